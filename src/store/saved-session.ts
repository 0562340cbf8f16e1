/**
 * Checking a SavedSession read back from a store: the version first (StoreError 'incompatible'), then
 * the shape (StoreError 'corrupt'). Pure.
 */
import { SAVED_SESSION_VERSION, type SavedSession, StoreError } from './session-store.js';

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSyncKey(value: unknown): boolean {
  return (
    isObj(value) &&
    typeof value.Count === 'number' &&
    Array.isArray(value.List) &&
    value.List.every((i) => isObj(i) && typeof i.Key === 'number' && typeof i.Val === 'number')
  );
}

const HOST_KEYS = ['login', 'qr', 'main', 'file', 'push'] as const;
const CREDENTIAL_KEYS = ['skey', 'sid', 'uin', 'passTicket'] as const;

/** What is wrong with the shape of a (version-1) session, or undefined when nothing is. */
function shapeProblem(v: Obj): string | undefined {
  if (v.app !== undefined && v.app !== 'web' && v.app !== 'filehelper') return 'app';
  const hosts = v.hosts;
  if (!isObj(hosts) || !HOST_KEYS.every((k) => typeof hosts[k] === 'string')) return 'hosts';
  const credentials = v.credentials;
  if (!isObj(credentials) || !CREDENTIAL_KEYS.every((k) => typeof credentials[k] === 'string'))
    return 'credentials';
  if (!isObj(v.cookies) || !Array.isArray(v.cookies.cookies)) return 'cookies';
  if (!isSyncKey(v.syncKey)) return 'syncKey';
  if (!isSyncKey(v.syncCheckKey)) return 'syncCheckKey';
  if (v.self !== undefined && v.self !== null && !(isObj(v.self) && typeof v.self.UserName === 'string'))
    return 'self';
  if (typeof v.deviceId !== 'string') return 'deviceId';
  if (typeof v.savedAt !== 'number' || !Number.isFinite(v.savedAt)) return 'savedAt';
  return undefined;
}

/** Validates a parsed value as a SavedSession, or throws StoreError (never echoing secrets). */
export function checkSavedSession(value: unknown, location?: string): SavedSession {
  const where = location ? ` (${location})` : '';
  const opts = location === undefined ? {} : { location };
  if (!isObj(value)) throw new StoreError('corrupt', `saved session${where} is not an object`, opts);
  if (value.version !== SAVED_SESSION_VERSION) {
    const seen = typeof value.version === 'number' ? String(value.version) : 'none';
    throw new StoreError(
      'incompatible',
      `saved session${where} has format version ${seen}; this webwx reads version ${SAVED_SESSION_VERSION} (log in again to replace it)`,
      opts,
    );
  }
  const problem = shapeProblem(value);
  if (problem)
    throw new StoreError('corrupt', `saved session${where}: field "${problem}" is missing or invalid`, opts);
  const session = { ...value } as unknown as SavedSession;
  if (value.self === null) session.self = undefined;
  return session;
}

/** Parses stored JSON text into a SavedSession (StoreError 'corrupt' when it is not JSON). */
export function parseSavedSession(text: string, location?: string): SavedSession {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new StoreError('corrupt', `saved session${location ? ` (${location})` : ''} is not valid JSON`, {
      ...(location === undefined ? {} : { location }),
      cause: error,
    });
  }
  return checkSavedSession(value, location);
}

/** A deep copy (stores must not share objects with the client). */
export function copySession(session: SavedSession): SavedSession {
  return structuredClone(session);
}
