/**
 * What the emulator checks of shares a client sends (docs/emulator.md): a contact card (MsgType 42 by
 * webwxsendmsg) must name someone, and an app message other than a file (webwxsendappmsg) must be an
 * `<appmsg>` of the Type it is sent as. What the real server checks is not captured: these are the
 * emulator's choices, so a malformed share fails here (Ret 1, "parameter error") instead of reaching a
 * phone as garbage.
 */
import { parseXml, xmlAttr, xmlChild, xmlText } from '../../model/message-xml.js';
import type { Session } from '../login-session.js';
import type { EmulatorContext } from '../route-context.js';
import type { WorldPerson } from '../world-types.js';

/** The Ret of a malformed share (§8: parameter error). */
export const SHARE_REFUSED_RET = 1;

/**
 * The person a card names: by stable id (a permanent id), by alias (WeChat ID), or by a UserName of
 * this session; undefined when it names nobody the world knows.
 */
export function cardPerson(ctx: EmulatorContext, s: Session, content: string): WorldPerson | undefined {
  const msg = xmlChild(parseXml(content), 'msg');
  const name = xmlAttr(msg, 'username').trim();
  if (name === '') return undefined;
  const { world } = ctx;
  const byName = s.names.idOf(name);
  return (
    world.person(name) ??
    (byName === undefined ? undefined : world.person(byName)) ??
    world.contacts.find((p) => p.alias !== '' && p.alias === name)
  );
}

/** webwxsendmsg Type 42: Ret 1 unless the Content is a card naming someone the world knows. */
export function cardRefusal(ctx: EmulatorContext, s: Session, content: string): number | undefined {
  return cardPerson(ctx, s, content) === undefined ? SHARE_REFUSED_RET : undefined;
}

/**
 * webwxsendappmsg other than a file (Type 6 is checked against its upload): Ret 1 unless the Content
 * holds an `<appmsg>` with a title whose `<type>` is the Msg's Type.
 */
export function appMsgRefusal(type: number, content: string): number | undefined {
  const root = parseXml(content);
  const appmsg = xmlChild(root, 'appmsg') ?? xmlChild(xmlChild(root, 'msg'), 'appmsg');
  const ok =
    appmsg !== undefined && xmlText(appmsg, 'title') !== '' && xmlText(appmsg, 'type') === String(type);
  return ok ? undefined : SHARE_REFUSED_RET;
}
