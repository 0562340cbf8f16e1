/**
 * What the client does differently per web app (docs/filehelper.md), as pure functions of the app:
 * the File Transfer web ('filehelper', PROTOCOL.md §14) has one chat, `filehelper`, no contact list,
 * no push login, and offers texts, images and files only. Every decision of the mode is made here;
 * the services only ask.
 */
import { NotAvailableError } from '../../errors.js';
import {
  deriveFileHelperHosts,
  deriveHosts,
  emptyWireContact,
  FILEHELPER_USER_NAME,
} from '../../protocol/index.js';
import type { Hosts, WebApp } from '../../protocol/session-context.js';
import type { WireContact, WireUser } from '../../protocol/wire-types.js';

/** The app's name in log lines and error texts. */
export function appLabel(app: WebApp): string {
  return app === 'filehelper' ? 'the File Transfer web' : 'the main Web WeChat';
}

/** The app of a saved session (sessions saved before the app was recorded are the main web's). */
export function savedSessionApp(saved: { app?: WebApp | undefined }): WebApp {
  return saved.app ?? 'web';
}

/** Whether webwxpushloginurl exists for the app (not known to for the File Transfer web: resume → QR). */
export function hasPushLogin(app: WebApp): boolean {
  return app !== 'filehelper';
}

/** Whether the app has an address book to load (webwxgetcontact pages, webwxbatchgetcontact lookups). */
export function hasContactList(app: WebApp): boolean {
  return app !== 'filehelper';
}

/** The session's hosts from the login poll's redirect_uri: §1.2's table for the web, §14's for filehelper. */
export function sessionHostsOf(app: WebApp, redirectUri: string, fallbackQr: string): Hosts {
  return app === 'filehelper'
    ? deriveFileHelperHosts(redirectUri, fallbackQr)
    : deriveHosts(redirectUri, fallbackQr);
}

/** The filehelper contact as the official page names it, for an init reply that does not list it. */
export function fileHelperContact(): WireContact {
  return {
    ...emptyWireContact(),
    UserName: FILEHELPER_USER_NAME,
    NickName: '文件传输助手',
    PYInitial: 'WJCSZS',
    PYQuanPin: 'wenjianchuanshuzhushou',
  };
}

/**
 * The contacts of webwxinit's reply a session starts with: its ContactList for the web; for the File
 * Transfer web, the account itself and filehelper (taken from the list, or made up when it lacks it).
 */
export function initialContactsOf(
  app: WebApp,
  init: { ContactList: readonly WireContact[]; User: WireUser },
): readonly WireContact[] {
  if (app !== 'filehelper') return init.ContactList;
  const fileHelper = init.ContactList.find((c) => c.UserName === FILEHELPER_USER_NAME) ?? fileHelperContact();
  return [{ ...emptyWireContact(), ...init.User }, fileHelper];
}

/**
 * The entries of a later contact list (a sync's ModContactList) the session keeps: all for the web;
 * for the File Transfer web only filehelper (no other contact enters its world).
 */
export function contactsOfApp(app: WebApp, contacts: readonly WireContact[]): readonly WireContact[] {
  if (app !== 'filehelper') return contacts;
  return contacts.filter((c) => c.UserName === FILEHELPER_USER_NAME);
}

/** How media go out: the upload kind a send of `requested` becomes for this app. */
export type UploadKind = 'image' | 'file' | 'video' | 'emoticon';

/**
 * The File Transfer web sends images (Type 3) and files (Type 6) only (§14): what the main web turns
 * into a video (.mp4 by sendFile) or an emoticon (.gif) goes as a file, or, from sendImage, as an image.
 */
export function uploadKindOf(app: WebApp, requested: UploadKind, from: 'sendImage' | 'sendFile'): UploadKind {
  if (app !== 'filehelper' || requested === 'image' || requested === 'file') return requested;
  return from === 'sendImage' ? 'image' : 'file';
}

/** The calls a File Transfer session refuses, with why (the NotAvailableError's detail). */
const FILEHELPER_REFUSALS = {
  sendVideo:
    'the File Transfer web sends texts, images and files only; send the video as a file with sendFile()',
  sendEmoticon:
    'the File Transfer web sends texts, images and files only; send the picture with sendImage() or sendFile()',
  sendLink:
    'the File Transfer web sends texts, images and files only (no link cards, PROTOCOL.md §14); send the URL as a text',
  sendMusic:
    'the File Transfer web sends texts, images and files only (no app messages, PROTOCOL.md §14); send the URL as a text',
  sendMiniProgram:
    'the File Transfer web sends texts, images and files only (no app messages, PROTOCOL.md §14)',
  sendContactCard: 'the File Transfer web has one chat and no address book: it cannot share a contact',
  revoke: 'the File Transfer web cannot revoke (no recall is known for it, PROTOCOL.md §14)',
  forward: 'the File Transfer web has one chat: send the text or the downloaded media again',
  'rooms.create': 'the File Transfer web has no group chats',
  'rooms.add': 'the File Transfer web has no group chats',
  'rooms.remove': 'the File Transfer web has no group chats',
  'rooms.rename': 'the File Transfer web has no group chats',
  'rooms.quit': 'the File Transfer web has no group chats',
  'contacts.setRemark': 'the File Transfer web has no address book to manage',
  'contacts.pin': 'the File Transfer web has no address book to manage',
  'contacts.unpin': 'the File Transfer web has no address book to manage',
  'contacts.acceptFriendRequest': 'the File Transfer web has no friend requests',
  'contacts.sendFriendRequest': 'the File Transfer web has no friend requests',
  'contacts.searchServer': 'the File Transfer web has no address book to search',
} as const;

/** A call some app refuses. */
export type AppFeature = keyof typeof FILEHELPER_REFUSALS;

/** Why `app` refuses `feature`, or undefined when it offers it. */
export function refusalOf(app: WebApp, feature: AppFeature): string | undefined {
  return app === 'filehelper' ? FILEHELPER_REFUSALS[feature] : undefined;
}

/** Throws NotAvailableError(feature, why) when `app` does not offer `feature`; call it before any request. */
export function assertAvailable(app: WebApp, feature: AppFeature): void {
  const why = refusalOf(app, feature);
  if (why !== undefined) throw new NotAvailableError(feature, why);
}

/**
 * Throws NotAvailableError when `app` cannot address `to` (the File Transfer web has one chat:
 * `filehelper`). `method` names the call ('sendText', 'sendImage', 'sendFile', 'contacts.markRead').
 */
export function assertRecipient(app: WebApp, method: string, to: string): void {
  if (app === 'filehelper' && to !== FILEHELPER_USER_NAME) {
    throw new NotAvailableError(
      method,
      `the File Transfer web has one chat: '${FILEHELPER_USER_NAME}'; it cannot reach other chats`,
    );
  }
}
