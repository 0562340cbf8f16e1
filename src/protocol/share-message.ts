/**
 * What a client shares without an upload (PROTOCOL.md §5.1, §9.5): the XML of link cards (appmsg
 * type 5), music (type 3) and mini programs (type 33) for webwxsendappmsg, and contact cards (MsgType
 * 42) with their webwxsendmsg request. Each XML is the inverse of the model's decoder
 * (model/app-message.ts, model/kind-decoders.ts decodeCard): what it builds decodes back to the fields
 * it was given. Pure.
 */
import type { HttpRequestSpec } from './http-request.js';
import { xmlEscape } from './media-message.js';
import type { SessionContext } from './session-context.js';
import { buildSendTextRequest, type SendTextOptions } from './text-message.js';

/** The appid web sends put on an appmsg (§5.5); '' in desktop mode. */
function webAppId(desktop: boolean): string {
  return desktop ? '' : 'wxeb7ec651dd0aefa9';
}

function tag(name: string, value: string | number = ''): string {
  return `<${name}>${xmlEscape(String(value))}</${name}>`;
}

const NO_ATTACHMENT = `<appattach>${tag('totallen', 0)}${tag('attachid')}${tag('fileext')}</appattach>`;

/** What {@link appMsgLinkXml} puts in a link card's appmsg XML (AppMsgType 5). */
export interface AppMsgLinkInit {
  title: string;
  /** The line under the title ('' for none). */
  description: string;
  url: string;
  /** The card's picture, an http(s) URL ('' for none). */
  thumbUrl?: string;
  /** Desktop mode uses appid=''. */
  desktop: boolean;
}

/** The appmsg XML of a link card, `<type>5</type>` (no outer `<msg>`). */
export function appMsgLinkXml(o: AppMsgLinkInit): string {
  return (
    `<appmsg appid='${webAppId(o.desktop)}' sdkver=''>${tag('title', o.title)}${tag('des', o.description)}` +
    `${tag('action', 'view')}${tag('type', 5)}${tag('showtype', 0)}${tag('content')}${tag('url', o.url)}` +
    `${tag('lowurl')}${tag('thumburl', o.thumbUrl ?? '')}${NO_ATTACHMENT}${tag('extinfo')}</appmsg>`
  );
}

/** What {@link appMsgMusicXml} puts in a music card's appmsg XML (AppMsgType 3). */
export interface AppMsgMusicInit {
  title: string;
  /** The line under the title (often the singer; '' for none). */
  description: string;
  /** The page the card opens. */
  url: string;
  /** The audio stream the phone plays. */
  dataUrl: string;
  /** The cover, an http(s) URL ('' for none). */
  thumbUrl?: string;
  /** Desktop mode uses appid=''. */
  desktop: boolean;
}

/** The appmsg XML of a music card, `<type>3</type>` with `<url>` and `<dataurl>` (no outer `<msg>`). */
export function appMsgMusicXml(o: AppMsgMusicInit): string {
  return (
    `<appmsg appid='${webAppId(o.desktop)}' sdkver=''>${tag('title', o.title)}${tag('des', o.description)}` +
    `${tag('action', 'view')}${tag('type', 3)}${tag('showtype', 0)}${tag('content')}${tag('url', o.url)}` +
    `${tag('dataurl', o.dataUrl)}${tag('lowurl')}${tag('lowdataurl')}${NO_ATTACHMENT}${tag('extinfo')}` +
    `${tag('thumburl', o.thumbUrl ?? '')}</appmsg>`
  );
}

/** What {@link appMsgMiniProgramXml} puts in a mini program's appmsg XML (AppMsgType 33). */
export interface AppMsgMiniProgramInit {
  /** The card's title (the page being shared). */
  title: string;
  /** The line under the title ('' for none). */
  description: string;
  /** The mini program's `wx…` app id ('' when only its user name is known). */
  appId: string;
  /** The mini program's account, `gh_…@app` ('' when only its app id is known). */
  userName: string;
  /** The page to open, e.g. `pages/index/index.html?id=1` ('' for the start page). */
  pagePath: string;
  /** The mini program's icon, an http(s) URL ('' for none). */
  iconUrl: string;
  /** The card's picture, an http(s) URL ('' for none). */
  thumbUrl: string;
  /** The name shown under the card (default: the title). */
  displayName?: string;
  /** The page older clients open instead ('' for the upgrade page of `appId`). */
  url?: string;
}

/**
 * The appmsg XML of a mini program, `<type>33</type>` with `<sourceusername>` and `<weappinfo>` (its
 * user name, app id, page path and icon), in the shape of a received one (wechaty/wechaty#1806, the
 * emulator's encoder); the appmsg's own appid is '' there. No outer `<msg>`.
 */
export function appMsgMiniProgramXml(o: AppMsgMiniProgramInit): string {
  const url =
    o.url ||
    (o.appId
      ? `https://mp.weixin.qq.com/mp/waerrpage?appid=${o.appId}&type=upgrade&upgradetype=3#wechat_redirect`
      : '');
  return (
    `<appmsg appid="" sdkver="0">${tag('title', o.title)}${tag('des', o.description)}${tag('action')}` +
    `${tag('type', 33)}${tag('showtype', 0)}${tag('content')}${tag('url', url)}${tag('lowurl')}` +
    `${NO_ATTACHMENT}${tag('extinfo')}${tag('sourceusername', o.userName)}` +
    `${tag('sourcedisplayname', o.displayName ?? o.title)}${tag('thumburl', o.thumbUrl)}` +
    `<weappinfo>${tag('username', o.userName)}${tag('appid', o.appId)}${tag('type', 2)}` +
    `${tag('pagepath', o.pagePath)}${tag('weappiconurl', o.iconUrl)}</weappinfo></appmsg>`
  );
}

/** The person a contact card shows ({@link contactCardXml}). */
export interface ContactCardInit {
  /**
   * Who the card names: a permanent id (`wxid_…`, `gh_…`), the WeChat ID (alias), or a session
   * UserName (`@…`); see docs/messages.md for which the server is known to take.
   */
  userName: string;
  nickName: string;
  /** The WeChat ID ('' when unset). */
  alias?: string;
  province?: string;
  city?: string;
  /** The signature ('' for none). */
  signature?: string;
  /** 0 unknown, 1 male, 2 female. */
  sex?: number;
  /** An official account (certflag 24, as phones write it). */
  official?: boolean;
}

/**
 * The MsgType 42 Content of a contact card: `<?xml version="1.0"?>` and one `<msg …/>` whose attributes
 * follow a received card (fixtures/real/messages/00042-card-*): username, nickname, alias, the
 * region, signature and sex. The head image URLs and the server's antispamticket are left out (the
 * web has no public URL for a head image).
 */
export function contactCardXml(o: ContactCardInit): string {
  const attrs: Array<[string, string | number]> = [
    ['bigheadimgurl', ''],
    ['smallheadimgurl', ''],
    ['username', o.userName],
    ['nickname', o.nickName],
    ['shortpy', ''],
    ['alias', o.alias ?? ''],
    ['imagestatus', 3],
    ['scene', 17],
    ['province', o.province ?? ''],
    ['city', o.city ?? ''],
    ['sign', o.signature ?? ''],
    ['sex', o.sex ?? 0],
    ['certflag', o.official ? 24 : 0],
    ['certinfo', ''],
    ['brandIconUrl', ''],
    ['brandHomeUrl', ''],
    ['brandSubscriptConfigUrl', ''],
    ['brandFlags', 0],
    ['regionCode', ''],
  ];
  const text = attrs.map(([name, value]) => `${name}="${xmlEscape(String(value))}"`).join(' ');
  return `<?xml version="1.0"?>\n<msg ${text} />\n`;
}

/**
 * `POST ${main}/webwxsendmsg` with Msg Type 42 and a contact card's XML as Content
 * ({@link contactCardXml}): the text envelope (§5.1) with another Type. Known from one public client
 * (vbot, 2017); see docs/messages.md for what is unverified.
 */
export function buildSendCardRequest(ctx: SessionContext, o: SendTextOptions): HttpRequestSpec {
  const spec = buildSendTextRequest(ctx, o);
  const body = spec.body;
  if (body?.kind !== 'json') return spec;
  const value = body.value as { Msg: Record<string, unknown> };
  return { ...spec, body: { kind: 'json', value: { ...value, Msg: { ...value.Msg, Type: 42 } } } };
}
