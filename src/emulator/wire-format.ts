/**
 * Builders for the text replies real clients match byte for byte (PROTOCOL.md §2.1, §2.3, §2.4, §4.5)
 * and the content encoding of received messages (§9.3).
 */

/** §2.1: `window.QRLogin.code = 200; window.QRLogin.uuid = "<uuid>";` */
export function jsLoginReply(uuid: string, code = 200): string {
  return `window.QRLogin.code = ${code}; window.QRLogin.uuid = "${uuid}";`;
}

/** §2.3: 408, 202, 400… */
export function loginPollCode(code: number): string {
  return `window.code=${code};`;
}

/** §2.3: 201, with the avatar only when the poll asked for loginicon=true. */
export function loginPollScanned(avatarBase64: string | undefined): string {
  return avatarBase64 === undefined
    ? 'window.code=201;'
    : `window.code=201;window.userAvatar = 'data:img/jpg;base64,${avatarBase64}';`;
}

/** §2.3: 200 with the redirect_uri. */
export function loginPollConfirmed(redirectUri: string): string {
  return `window.code=200;window.redirect_uri="${redirectUri}";`;
}

/** §4.5: `window.synccheck={retcode:"0",selector:"2"}` (no semicolon, no newline). */
export function syncCheckReply(retcode: number | string, selector: number | string): string {
  return `window.synccheck={retcode:"${retcode}",selector:"${selector}"}`;
}

export interface LoginPageCredentials {
  skey: string;
  sid: string;
  uin: number | string;
  /** Percent-encoded, as the XML carries it. */
  passTicketEncoded: string;
}

/** §2.4: the one-line XML of a successful login. */
export function loginPageXml(c: LoginPageCredentials): string {
  return (
    `<error><ret>0</ret><message></message><skey>${c.skey}</skey><wxsid>${c.sid}</wxsid>` +
    `<wxuin>${c.uin}</wxuin><pass_ticket>${c.passTicketEncoded}</pass_ticket><isgrayscale>1</isgrayscale></error>`
  );
}

/** §2.4: the refusal text (two spaces before "Mac"). */
export const REFUSAL_MESSAGE =
  '为了你的帐号安全，此微信号不能登录网页微信。你可以使用Windows微信或Mac微信在电脑端登录。Windows微信下载地址：https://pc.weixin.qq.com  Mac微信下载地址：https://mac.weixin.qq.com';

export function loginErrorXml(ret: number, message: string): string {
  return `<error><ret>${ret}</ret><message>${message}</message></error>`;
}

const EMOJI_CLUSTER =
  /(?:\p{Regional_Indicator}{2})|(?:[\p{Extended_Pictographic}\u{1F1E6}-\u{1F1FF}][\u{FE0F}\u{1F3FB}-\u{1F3FF}]*(?:\u{200D}[\p{Extended_Pictographic}][\u{FE0F}\u{1F3FB}-\u{1F3FF}]*)*)/gu;

function isServerEmoji(cluster: string): boolean {
  const first = cluster.codePointAt(0)!;
  // Symbols like ©, ®, ™, ‼ are pictographic in Unicode but stay plain text on the wire.
  return first >= 0x1f000 || (first >= 0x2600 && first <= 0x27bf) || (first >= 0x2b00 && first <= 0x2bff);
}

/** §9.3: each emoji becomes `<span class="emoji emoji1f604"></span>` (code points in lower-case hex, FE0F dropped). */
export function emojiToSpan(text: string): string {
  return text.replace(EMOJI_CLUSTER, (cluster) => {
    if (!isServerEmoji(cluster)) return cluster;
    let code = '';
    for (const ch of cluster) {
      const cp = ch.codePointAt(0)!;
      if (cp !== 0xfe0f) code += cp.toString(16);
    }
    return `<span class="emoji emoji${code}"></span>`;
  });
}

/** §9.3: message text as the server delivers it: `<`/`>` escaped, newlines as `<br/>`, emoji as spans. */
export function encodeMessageText(text: string): string {
  const escaped = text
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r\n|\r|\n/g, '<br/>');
  return emojiToSpan(escaped);
}

/** §9.3: the group form `<sender UserName>:<br/><text>`. */
export function groupContent(senderUserName: string, encodedText: string): string {
  return `${senderUserName}:<br/>${encodedText}`;
}

/** §9.4: the escaped SYNC_CONV Content listing permanent ids. */
export function syncConvContent(ids: string[], unread: { id: string; lastReadTime: number }[]): string {
  const lt = '&lt;';
  const gt = '&gt;';
  const tag = (name: string, inner: string) => `${lt}${name}${gt}${inner}${lt}/${name}${gt}`;
  const chats = unread
    .map(
      (u) =>
        `${lt}chat${gt}<br/>${tag('username', u.id)}<br/>${tag('lastreadtime', String(u.lastReadTime))}<br/>${lt}/chat${gt}<br/>`,
    )
    .join('');
  return (
    `${lt}msg${gt}<br/>${lt}op id='4'${gt}<br/>${tag('username', ids.join(','))}<br/>` +
    `${lt}unreadchatlist${gt}<br/>${chats}${lt}/unreadchatlist${gt}<br/>` +
    `${lt}unreadfunctionlist${gt}<br/>${lt}/unreadfunctionlist${gt}<br/>${lt}/op${gt}<br/>${lt}/msg${gt}`
  );
}

/** Cookie expiry in the capture's form: 'Mon, 31-Dec-2018 11:12:21 GMT'. */
export function cookieDate(ms: number): string {
  const [wd, day, mon, year, time] = new Date(ms).toUTCString().split(' ');
  return `${wd} ${day}-${mon}-${year} ${time} GMT`;
}

/** A host-only Set-Cookie (no Domain, no Secure: the emulator is plain HTTP on loopback). */
export function setCookie(name: string, value: string, expiresMs: number): string {
  return `${name}=${value}; Path=/; Expires=${cookieDate(expiresMs)}`;
}

/** A tiny JPEG (1×1), base64: the scanned user's avatar and every contact icon. */
export const TINY_JPEG_BASE64 =
  '/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=';
