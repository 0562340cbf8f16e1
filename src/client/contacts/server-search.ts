/**
 * `client.contacts.searchServer(keyword)`: webwxsearchcontact (PROTOCOL.md §7.5), the server's
 * contact search, as the official page's remote search calls it. What the real server matches on and
 * returns beyond each entry's UserName is not captured (docs/contacts.md).
 */
import { InvalidArgumentError } from '../../errors.js';
import { type Contact, toContact } from '../../model/index.js';
import type { HttpRequestSpec } from '../../protocol/http-request.js';
import { buildSearchContactRequest, parseSearchContactReply } from '../../protocol/index.js';
import type { Session } from '../session/session-state.js';
import type { MutableContactDirectory } from './contact-directory.js';

/** What the search needs: the session, and a way to run one operation (contact-service.ts runOp). */
export interface SearchDeps {
  session: Pick<Session, 'context' | 'deviceId' | 'selfUserName'>;
  run<T>(spec: HttpRequestSpec, parse: (text: string) => T): Promise<T>;
}

/** The longest keyword sent (the search box of the page is short; a longer one is an InvalidArgumentError). */
export const MAX_SEARCH_KEYWORD_LENGTH = 100;

/**
 * Asks the server for contacts matching `keyword`. Each entry the session knows comes back as its
 * directory entry; any other is decoded from the reply (and not added to the directory). InvalidArgumentError
 * on an empty or over-long keyword; ProtocolError when the server refuses.
 */
export async function searchServer(
  deps: SearchDeps,
  directory: Pick<MutableContactDirectory, 'get'>,
  keyword: string,
): Promise<Contact[]> {
  if (typeof keyword !== 'string' || keyword.trim() === '') {
    throw new InvalidArgumentError('searchServer', 'searchServer: expected a keyword');
  }
  if (keyword.length > MAX_SEARCH_KEYWORD_LENGTH) {
    throw new InvalidArgumentError(
      'searchServer',
      `searchServer: the keyword is longer than ${MAX_SEARCH_KEYWORD_LENGTH} characters`,
    );
  }
  const { session } = deps;
  const reply = await deps.run(
    buildSearchContactRequest(session.context(), { deviceId: session.deviceId, keyword: keyword.trim() }),
    parseSearchContactReply,
  );
  const found: Contact[] = [];
  const seen = new Set<string>();
  for (const wire of reply.List) {
    if (seen.has(wire.UserName) || wire.UserName.startsWith('@@')) continue;
    seen.add(wire.UserName);
    found.push(directory.get(wire.UserName) ?? toContact(wire, session.selfUserName));
  }
  return found;
}
