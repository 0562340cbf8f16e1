/**
 * Shares a client sends, as the other accounts of the emulator receive them (account-delivery.ts): a
 * contact card (MsgType 42) becomes the receiving phone's card of the person it names, and a link
 * card, music card or mini program (webwxsendappmsg Type 5, 3, 33, 36) the matching app message, as
 * the phone would write them (message-encoders.ts). The receiving side gets its own MsgId.
 */
import { parseXml, xmlAttr, xmlChild, xmlText } from '../model/message-xml.js';
import type { SentRecord } from './emulator-types.js';
import type { PhoneMessageInput } from './phone-message-types.js';
import type { EmulatorContext } from './route-context.js';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A phone message input without its sender and room. */
export type DeliveredShare = DistributiveOmit<PhoneMessageInput, 'from' | 'room'>;

/** The stable id of the person a sent card names (by id, alias or the sending session's UserName). */
function cardPersonId(ctx: EmulatorContext, record: SentRecord): string | undefined {
  const name = xmlAttr(xmlChild(parseXml(record.content), 'msg'), 'username').trim();
  if (name === '') return undefined;
  const { world } = ctx;
  if (world.person(name)) return name;
  const byAlias = world.contacts.find((p) => p.alias !== '' && p.alias === name);
  if (byAlias) return byAlias.id;
  const session = ctx.sessions.all().find((s) => s.id === record.sessionId);
  return session?.names.idOf(name);
}

function optional(name: string, value: string): Record<string, string> {
  return value === '' ? {} : { [name]: value };
}

/**
 * What a receiving phone gets for a sent share, or undefined when `record` is no share (or names
 * nobody). Only the sender's world resolves a card: the receiving world must know the person too.
 */
export function shareInputOf(ctx: EmulatorContext, record: SentRecord): DeliveredShare | undefined {
  if (record.type === 42) {
    const card = cardPersonId(ctx, record);
    return card === undefined ? undefined : { kind: 'card', card };
  }
  if (![3, 5, 33, 36].includes(record.type)) return undefined;
  const root = parseXml(record.content);
  const appmsg = xmlChild(root, 'appmsg') ?? xmlChild(xmlChild(root, 'msg'), 'appmsg');
  const title = xmlText(appmsg, 'title');
  const url = xmlText(appmsg, 'url');
  const description = xmlText(appmsg, 'des');
  if (record.type === 5) {
    return {
      kind: 'link',
      title,
      url,
      ...optional('description', description),
      ...optional('thumbUrl', xmlText(appmsg, 'thumburl')),
    };
  }
  if (record.type === 3) {
    return {
      kind: 'music',
      title,
      url,
      dataUrl: xmlText(appmsg, 'dataurl'),
      ...optional('description', description),
    };
  }
  const weapp = xmlChild(appmsg, 'weappinfo');
  return {
    kind: 'mini-program',
    title,
    appId: xmlText(weapp, 'appid'),
    ...optional('weappUserName', xmlText(weapp, 'username')),
    ...optional('pagePath', xmlText(weapp, 'pagepath')),
    ...optional('iconUrl', xmlText(weapp, 'weappiconurl')),
    ...(record.type === 36 ? { forwardable: true } : {}),
  };
}
