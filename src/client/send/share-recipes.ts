/**
 * The recipes of what a client shares without an upload (docs/messages.md): link cards, music and
 * mini programs (appmsgs by webwxsendappmsg) and contact cards (MsgType 42 by webwxsendmsg). Each
 * checks its input at the call (an InvalidArgumentError before anything is queued) and builds its XML now, so the
 * recipe is plain JSON the outbox can log, retry and re-send.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Contact, Room } from '../../model/index.js';
import {
  appMsgLinkXml,
  appMsgMiniProgramXml,
  appMsgMusicXml,
  contactCardXml,
} from '../../protocol/share-message.js';
import type { SendRecipe } from './send-recipes.js';
import type { LinkCard, MiniProgramCard, MusicCard } from './send-types.js';

/** The client's calls that share without an upload (each an AppFeature of session/app-mode.ts). */
export type ShareMethod = 'sendLink' | 'sendMusic' | 'sendMiniProgram' | 'sendContactCard';

function httpUrl(method: string, value: unknown, what: string): string {
  if (typeof value !== 'string' || !/^https?:\/\/\S+$/i.test(value)) {
    throw new InvalidArgumentError(method, `${method}: ${what} must be an http(s) URL`);
  }
  return value;
}

/** An optional http(s) URL: '' when absent or empty, else checked. */
function optionalUrl(method: string, value: unknown, what: string): string {
  return value === undefined || value === '' ? '' : httpUrl(method, value, what);
}

function optionalText(method: string, value: unknown, what: string): string {
  if (value === undefined) return '';
  if (typeof value !== 'string')
    throw new InvalidArgumentError(method, `${method}: ${what} must be a string`);
  return value;
}

function title(method: string, value: unknown, what = 'title'): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new InvalidArgumentError(method, `${method}: needs a ${what}`);
  return value;
}

/**
 * The recipe of a link card: an appmsg of type 5 (webwxsendappmsg), its XML built now. InvalidArgumentError
 * without a title or with a URL that is not http(s).
 */
export function linkRecipe(link: LinkCard, desktop: boolean): SendRecipe {
  const m = 'sendLink';
  const content = appMsgLinkXml({
    title: title(m, link?.title, 'title (the link needs one)'),
    description: optionalText(m, link.description, 'the description'),
    url: httpUrl(m, link.url, 'url'),
    thumbUrl: optionalUrl(m, link.thumbUrl, 'thumbUrl'),
    desktop,
  });
  return { build: 'app', kind: 'app', content, appMsgType: 5 };
}

/**
 * The recipe of a music card: an appmsg of type 3 with the page (`url`) and the stream (`dataUrl`).
 * InvalidArgumentError without a title or with a URL that is not http(s).
 */
export function musicRecipe(music: MusicCard, desktop: boolean): SendRecipe {
  const m = 'sendMusic';
  const content = appMsgMusicXml({
    title: title(m, music?.title),
    description: optionalText(m, music.description, 'the description'),
    url: httpUrl(m, music.url, 'url'),
    dataUrl: httpUrl(m, music.dataUrl, 'dataUrl'),
    thumbUrl: optionalUrl(m, music.thumbUrl, 'thumbUrl'),
    desktop,
  });
  return { build: 'app', kind: 'app', content, appMsgType: 3 };
}

/**
 * The recipe of a mini program: an appmsg of type 33 naming the program by its app id and/or its
 * `gh_…@app` user name. InvalidArgumentError without a title, without either name, or with a URL that is not
 * http(s).
 */
export function miniProgramRecipe(program: MiniProgramCard): SendRecipe {
  const m = 'sendMiniProgram';
  const appId = optionalText(m, program?.appId, 'appId').trim();
  const userName = optionalText(m, program.userName, 'userName').trim();
  if (appId === '' && userName === '')
    throw new InvalidArgumentError(m, `${m}: needs the appId or the userName`);
  const content = appMsgMiniProgramXml({
    title: title(m, program.title),
    description: optionalText(m, program.description, 'the description'),
    appId,
    userName,
    pagePath: optionalText(m, program.pagePath, 'pagePath'),
    iconUrl: optionalUrl(m, program.iconUrl, 'iconUrl'),
    thumbUrl: optionalUrl(m, program.thumbUrl, 'thumbUrl'),
    url: optionalUrl(m, program.url, 'url'),
    ...(program.displayName ? { displayName: optionalText(m, program.displayName, 'displayName') } : {}),
  });
  return { build: 'app', kind: 'app', content, appMsgType: 33 };
}

/** What a contact card needs of the address book (the contact service). */
export interface CardDirectory {
  get(userName: string): Contact | undefined;
  room(userName: string): Room | undefined;
  byStableId(id: string): Contact | Room | undefined;
  stableIdOf(userName: string): string | undefined;
}

/** The contact a card shares: a Contact, or a UserName or stable id of this session. */
function cardContactOf(directory: CardDirectory, input: Contact | string): Contact {
  const m = 'sendContactCard';
  if (typeof input === 'string') {
    if (input.trim() === '')
      throw new InvalidArgumentError(m, `${m}: expected a contact, a UserName or a stable id`);
    const found = directory.get(input) ?? directory.room(input) ?? directory.byStableId(input);
    if (found === undefined) throw new InvalidArgumentError(m, `${m}: no contact ${input} in this session`);
    if ('topic' in found)
      throw new InvalidArgumentError(m, `${m}: a group cannot be shared as a contact card`);
    return found;
  }
  if (typeof input !== 'object' || input === null || typeof input.userName !== 'string' || !input.userName) {
    throw new InvalidArgumentError(m, `${m}: expected a contact, a UserName or a stable id`);
  }
  if (input.userName.startsWith('@@'))
    throw new InvalidArgumentError(m, `${m}: a group cannot be shared as a contact card`);
  return directory.get(input.userName) ?? input;
}

/**
 * The recipe of a contact card (MsgType 42 by webwxsendmsg). The card names the contact by its
 * permanent id when this session learned it (a `p:` stable id), else its WeChat ID (alias), else its
 * session UserName. InvalidArgumentError for a room or a name this session does not know.
 */
export function cardRecipe(directory: CardDirectory, input: Contact | string): SendRecipe {
  const contact = cardContactOf(directory, input);
  const stableId = directory.stableIdOf(contact.userName) ?? '';
  const id = stableId.startsWith('p:') ? stableId.slice(2) : contact.alias || contact.userName;
  const content = contactCardXml({
    userName: id,
    nickName: contact.nickName,
    alias: contact.alias,
    province: contact.province,
    city: contact.city,
    signature: contact.signature,
    sex: contact.sex,
    official: contact.kind === 'official',
  });
  return { build: 'card', kind: 'card', content };
}

/** What each share takes. */
export interface ShareInput {
  sendLink: LinkCard;
  sendMusic: MusicCard;
  sendMiniProgram: MiniProgramCard;
  sendContactCard: Contact | string;
}

/** The recipe of a share call (desktop mode: appid ''; `directory` resolves a card's contact). */
export function shareRecipe<M extends ShareMethod>(
  method: M,
  input: ShareInput[M],
  desktop: boolean,
  directory: CardDirectory,
): SendRecipe {
  switch (method) {
    case 'sendLink':
      return linkRecipe(input as LinkCard, desktop);
    case 'sendMusic':
      return musicRecipe(input as MusicCard, desktop);
    case 'sendMiniProgram':
      return miniProgramRecipe(input as MiniProgramCard);
    default:
      return cardRecipe(directory, input as Contact | string);
  }
}
