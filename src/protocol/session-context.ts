/**
 * What request builders need to know about the session: hosts and credentials.
 * Base URLs have a scheme and host (and optional port) and no trailing slash, e.g. 'https://wx.qq.com'.
 */
export interface Hosts {
  /** jslogin, login poll, QR: 'https://login.wx.qq.com'. */
  login: string;
  /** Where the QR content URL and image live: 'https://login.weixin.qq.com'. */
  qr: string;
  /** The main host: init, sync, send, contacts. */
  main: string;
  /** Uploads and webwxgetmedia. */
  file: string;
  /** synccheck. */
  push: string;
}

export interface Credentials {
  skey: string;
  sid: string;
  uin: string;
  /** As received in the login page XML (already percent-encoded). */
  passTicket: string;
}

export interface SessionContext {
  hosts: Hosts;
  credentials: Credentials;
  lang: string;
  /** UOS/desktop mode: adds mod=desktop where the desktop build does. */
  desktop: boolean;
}

export const MMWEBWX = '/cgi-bin/mmwebwx-bin';
