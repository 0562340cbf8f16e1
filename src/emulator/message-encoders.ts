/**
 * Wire entries for every non-media message kind the phone can send (PROTOCOL.md §9.5–§9.7), shaped as
 * the real server shapes them: XML payloads escaped once more (`&amp;quot;` for a quote inside a value),
 * newlines as `<br/>`, emoji as `<span>`s, the group prefix on everything but system notices. Pure: the
 * per-session names come in through `KindNames`.
 */

import { emptyRecommendInfo } from '../protocol/wire-defaults.js';
import type { WireMessage, WireRecommendInfo } from '../protocol/wire-types.js';
import type { KindContext, KindEntry, PhoneMessageInput } from './phone-message-types.js';
import { emojiToSpan, encodeMessageText } from './wire-format.js';

/** Escape for an XML attribute value or text. */
export function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An XML payload as the server delivers it in Content: escaped once more, `<br/>` newlines, emoji spans. */
export function wireXml(xml: string): string {
  return emojiToSpan(
    xml
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/\r\n|\r|\n/g, '<br/>'),
  );
}

function attrs(pairs: Record<string, string | number>): string {
  return Object.entries(pairs)
    .map(([k, v]) => `${k}="${xmlEscape(String(v))}"`)
    .join(' ');
}

function cdata(s: string): string {
  return `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;
}

function headUrl(id: string, size: 0 | 132): string {
  return `http://wx.qlogo.cn/mmhead/ver_1/${encodeURIComponent(id)}/${size}`;
}

function recommendInfo(fields: Partial<WireRecommendInfo>): WireRecommendInfo {
  return { ...emptyRecommendInfo(), ...fields };
}

function cardEntry(k: KindContext): KindEntry {
  const p = k.card ?? k.sender;
  const xml = `<?xml version="1.0"?>\n<msg ${attrs({
    bigheadimgurl: headUrl(p.id, 0),
    smallheadimgurl: headUrl(p.id, 132),
    username: p.id,
    nickname: p.nickName,
    fullpy: '',
    shortpy: '',
    alias: p.alias ?? '',
    imagestatus: 3,
    scene: 17,
    province: p.province ?? '',
    city: p.city ?? '',
    sign: p.signature ?? '',
    sex: p.sex ?? 0,
    certflag: p.official ? 24 : 0,
    certinfo: '',
    brandIconUrl: '',
    brandHomeUrl: '',
    brandSubscriptConfigUrl: '',
    brandFlags: 0,
    regionCode: '',
  })} />\n`;
  return {
    msgType: 42,
    content: wireXml(xml),
    prefixed: true,
    fields: {
      RecommendInfo: recommendInfo({
        UserName: k.userName(p.id),
        NickName: emojiToSpan(p.nickName),
        Province: p.province ?? '',
        City: p.city ?? '',
        Alias: p.alias ?? '',
        Signature: emojiToSpan(p.signature ?? ''),
        Scene: 17,
        Sex: p.sex ?? 0,
        VerifyFlag: p.official ? 24 : 0,
        AttrStatus: 32,
      }),
    },
  };
}

function locationXml(i: Extract<PhoneMessageInput, { kind: 'location' }>): string {
  return `<?xml version="1.0"?>\n<msg>\n\t<location ${attrs({
    x: i.latitude.toFixed(6),
    y: i.longitude.toFixed(6),
    scale: 16,
    label: i.label,
    maptype: 0,
    poiname: i.poiName ?? '[位置]',
    poiid: '',
  })} />\n</msg>\n`;
}

function locationEntry(i: Extract<PhoneMessageInput, { kind: 'location' }>, k: KindContext): KindEntry {
  const oriContent = locationXml(i);
  const url = `http://apis.map.qq.com/uri/v1/geocoder?coord=${i.latitude.toFixed(6)},${i.longitude.toFixed(6)}`;
  if (i.form === 'xml') {
    return {
      msgType: 48,
      content: wireXml(oriContent),
      prefixed: true,
      fields: { Url: url, OriContent: oriContent },
    };
  }
  const image = `/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?url=xxx&msgid=${k.msgId}&pictype=location`;
  return {
    msgType: 1,
    content: `${encodeMessageText(i.label)}:<br/>${image}`,
    prefixed: true,
    fields: { Url: url, OriContent: oriContent, SubMsgType: 48 },
  };
}

interface AppParts {
  appMsgType: number;
  title: string;
  des?: string;
  url?: string;
  appId?: string;
  /** Inner XML placed before `</appmsg>`. */
  extra?: string;
  appName?: string;
  thumbUrl?: string;
  sourceUserName?: string;
  sourceDisplayName?: string;
  dataUrl?: string;
}

function appEntry(p: AppParts, fields: Partial<WireMessage> = {}): KindEntry {
  const t = (name: string, v: string | number = '') => `<${name}>${xmlEscape(String(v))}</${name}>`;
  const xml =
    `<msg><appmsg ${attrs({ appid: p.appId ?? '', sdkver: '0' })}>` +
    t('title', p.title) +
    t('des', p.des ?? '') +
    t('action', 'view') +
    t('type', p.appMsgType) +
    t('showtype', 0) +
    t('content') +
    t('url', p.url ?? '') +
    t('dataurl', p.dataUrl ?? '') +
    t('lowurl') +
    t('lowdataurl') +
    `<appattach>${t('totallen', 0)}${t('attachid')}${t('fileext')}</appattach>` +
    t('extinfo') +
    t('sourceusername', p.sourceUserName ?? '') +
    t('sourcedisplayname', p.sourceDisplayName ?? '') +
    t('thumburl', p.thumbUrl ?? '') +
    (p.extra ?? '') +
    `</appmsg>${t('fromusername')}${t('scene', 0)}` +
    `<appinfo>${t('version', 1)}${t('appname', p.appName ?? '')}</appinfo>${t('commenturl')}</msg>`;
  return {
    msgType: 49,
    content: wireXml(xml),
    prefixed: true,
    fields: {
      FileName: emojiToSpan(p.title),
      FileSize: '0',
      Url: p.url ?? '',
      AppMsgType: p.appMsgType,
      AppInfo: { AppID: p.appId ?? '', Type: 0 },
      ImgStatus: p.thumbUrl ? 2 : 1,
      ...fields,
    },
  };
}

function notice(text: string): KindEntry {
  return { msgType: 10000, content: encodeMessageText(text), prefixed: false, fields: { Status: 4 } };
}

function yuan(amount: number): string {
  return `￥${(Number.isFinite(amount) ? amount : 0).toFixed(2)}`;
}

function moneyEntry(
  i: Extract<PhoneMessageInput, { kind: 'red-packet' | 'transfer' }>,
  k: KindContext,
): KindEntry {
  if (i.kind === 'red-packet') {
    const sent = i.direction === 'sent';
    if (i.form !== 'app') return notice(sent ? '发出红包，请在手机上查看' : '收到红包，请在手机上查看');
    const title = i.title ?? '恭喜发财，大吉大利';
    const pay = `<wcpayinfo><templateid>${k.msgId.slice(-8)}</templateid><iconurl></iconurl><receivertitle>${cdata(title)}</receivertitle><sendertitle>${cdata(title)}</sendertitle><scenetext>${cdata('微信红包')}</scenetext><senderdes>${cdata('查看红包')}</senderdes><receiverdes>${cdata('领取红包')}</receiverdes></wcpayinfo>`;
    return appEntry({
      appMsgType: 2001,
      title: '微信红包',
      des: '我给你发了一个红包，赶紧去拆!',
      extra: pay,
    });
  }
  const amountText = yuan(i.amount);
  const sub = i.paySubType ?? 1;
  const des = sub === 3 ? `已收钱${amountText}` : `收到转账${amountText}。如需收钱，请点此升级至最新版本`;
  const pay =
    `<wcpayinfo><paysubtype>${sub}</paysubtype><feedesc>${cdata(amountText)}</feedesc>` +
    `<transcationid>${cdata(`1000050201${k.msgId}`)}</transcationid><transferid>${cdata(`10000500${k.msgId}`)}</transferid>` +
    `<invalidtime>${cdata(String(k.createTime + 86_400))}</invalidtime><begintransfertime>${cdata(String(k.createTime))}</begintransfertime>` +
    `<effectivedate>${cdata('1')}</effectivedate><pay_memo>${cdata(i.memo ?? '')}</pay_memo></wcpayinfo>`;
  return appEntry({
    appMsgType: 2000,
    title: '微信转账',
    des,
    url: 'https://support.weixin.qq.com/cgi-bin/mmsupport-bin/readtemplate?t=page/common_page__upgrade&text=text001&btn_text=btn_text_0',
    extra: pay,
  });
}

function friendRequestEntry(
  i: Extract<PhoneMessageInput, { kind: 'friend-request' }>,
  k: KindContext,
): KindEntry {
  const p = k.sender;
  const scene = i.scene ?? (k.roomId ? 14 : 6);
  const ticket = k.ticket ?? '';
  const greeting = i.greeting ?? `我是${p.nickName}`;
  const encrypt = `v1_${ticket.slice(3, 67)}@stranger`;
  const xml = `<msg ${attrs({
    fromusername: p.id,
    encryptusername: encrypt,
    fromnickname: p.nickName,
    content: greeting,
    fullpy: '',
    shortpy: '',
    imagestatus: 3,
    scene,
    country: '',
    province: p.province ?? '',
    city: p.city ?? '',
    sign: p.signature ?? '',
    percard: 1,
    sex: p.sex ?? 0,
    alias: p.alias ?? '',
    weibo: '',
    albumflag: 0,
    albumstyle: 0,
    albumbgimgid: '',
    snsflag: 1,
    snsbgimgid: '',
    snsbgobjectid: 0,
    mhash: '',
    mfullhash: '',
    bigheadimgurl: headUrl(p.id, 0),
    smallheadimgurl: headUrl(p.id, 132),
    ticket,
    opcode: 2,
    googlecontact: '',
    qrticket: '',
    chatroomusername: k.roomId ?? '',
    sourceusername: '',
    sourcenickname: '',
  })}><brandlist count="0" ver="${k.createTime}"></brandlist></msg>`;
  return {
    msgType: 37,
    content: wireXml(xml),
    prefixed: false,
    fields: {
      FromUserName: 'fmessage',
      RecommendInfo: recommendInfo({
        UserName: k.userName(p.id),
        NickName: emojiToSpan(p.nickName),
        Province: p.province ?? '',
        City: p.city ?? '',
        Content: emojiToSpan(greeting),
        Signature: emojiToSpan(p.signature ?? ''),
        Alias: p.alias ?? '',
        Scene: scene,
        AttrStatus: 233_765,
        Sex: p.sex ?? 0,
        Ticket: ticket,
        OpCode: 2,
      }),
    },
  };
}

function revokeEntry(i: Extract<PhoneMessageInput, { kind: 'revoke' }>, k: KindContext): KindEntry {
  const xml =
    `<sysmsg type="revokemsg"><revokemsg><session>${xmlEscape(k.sessionId)}</session>` +
    `<oldmsgid>${Number(BigInt.asUintN(32, BigInt(/^\d+$/.test(i.msgId) ? i.msgId : '0')))}</oldmsgid>` +
    `<msgid>${xmlEscape(i.msgId)}</msgid><replacemsg>${cdata(`"${k.senderName}" 撤回了一条消息`)}</replacemsg>` +
    '</revokemsg></sysmsg>';
  return { msgType: 10002, content: wireXml(xml), prefixed: true, fields: { Status: 4 } };
}

function voipEntry(i: Extract<PhoneMessageInput, { kind: 'voip' }>, k: KindContext): KindEntry {
  const type = i.media === 'audio' ? 1 : 0;
  if (i.form === 'notify') {
    const s = Math.max(0, Math.floor(i.durationSeconds ?? 0));
    const mmss = `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
    const xml = `<voipmsg type="VoIPBubbleMsg"><VoIPBubbleMsg><msg>${cdata(`通话时长 ${mmss}`)}</msg><room_type>${type}</room_type><red_dot>false</red_dot><roomid>${k.msgId.slice(-9)}</roomid><roomkey>0</roomkey><inviteid>${k.createTime}</inviteid><msg_type>100</msg_type><timestamp>${k.createTime}000</timestamp><identity>${cdata(k.msgId)}</identity><duration>${s}</duration></VoIPBubbleMsg></voipmsg>`;
    return { msgType: 52, content: wireXml(xml), prefixed: true, fields: {} };
  }
  const xml = `<voipinvitemsg><roomid>${k.msgId.slice(-9)}</roomid><key>${k.msgId.slice(0, 18)}</key><status>1</status><invitetype>${type}</invitetype></voipinvitemsg><voipextinfo><recvtime>${k.createTime}</recvtime></voipextinfo>`;
  return { msgType: i.form === 'invite' ? 53 : 50, content: wireXml(xml), prefixed: true, fields: {} };
}

/** The kind-specific part of the wire entry for `input`. */
export function kindEntry(input: PhoneMessageInput, k: KindContext): KindEntry {
  switch (input.kind) {
    case 'card':
      return cardEntry(k);
    case 'location':
      return locationEntry(input, k);
    case 'link':
      return appEntry({
        appMsgType: 5,
        title: input.title,
        des: input.description,
        url: input.url,
        thumbUrl: input.thumbUrl,
        appName: input.appName,
        sourceUserName: input.sourceUserName,
        sourceDisplayName: input.sourceDisplayName,
      });
    case 'music':
      return appEntry({
        appMsgType: 3,
        appId: 'wx5aa333606550dfd5',
        title: input.title,
        des: input.description,
        url: input.url,
        dataUrl: input.dataUrl,
        appName: input.appName ?? 'QQ音乐',
      });
    case 'mini-program': {
      const weapp =
        `<weappinfo><username>${cdata(input.weappUserName ?? `gh_${input.appId.slice(2, 14)}@app`)}</username>` +
        `<appid>${cdata(input.appId)}</appid><type>2</type><version>1</version>` +
        `<weappiconurl>${cdata(input.iconUrl ?? '')}</weappiconurl><pagepath>${cdata(input.pagePath ?? '')}</pagepath>` +
        `<shareId>${cdata(`1_${input.appId}_${k.createTime}`)}</shareId></weappinfo>`;
      return appEntry({
        appMsgType: input.forwardable ? 36 : 33,
        title: input.title,
        url: `https://mp.weixin.qq.com/mp/waerrpage?appid=${input.appId}&type=upgrade&upgradetype=3#wechat_redirect`,
        sourceUserName: input.weappUserName ?? `gh_${input.appId.slice(2, 14)}@app`,
        sourceDisplayName: input.sourceDisplayName ?? input.title,
        extra: weapp,
      });
    }
    case 'app':
      return appEntry({
        appMsgType: input.appMsgType,
        title: input.title,
        des: input.description,
        url: input.url,
      });
    case 'red-packet':
    case 'transfer':
      return moneyEntry(input, k);
    case 'friend-request':
      return friendRequestEntry(input, k);
    case 'revoke':
      return revokeEntry(input, k);
    case 'system':
      return notice(input.text);
    case 'voip':
      return voipEntry(input, k);
  }
}
