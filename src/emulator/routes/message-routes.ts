/**
 * Sending (§5.1): webwxsendmsg (texts, and contact cards: Type 42). Every accepted message becomes a
 * SentRecord on the phone side.
 */
import type { SendMsgReply } from '../../protocol/wire-types.js';
import { deliverToAccounts } from '../account-delivery.js';
import type { SentRecord } from '../emulator-types.js';
import { FILEHELPER, SEND_OUTSIDE_FILEHELPER_RET } from '../filehelper-app.js';
import { echoFileHelperSend } from '../filehelper-chat.js';
import type { Session } from '../login-session.js';
import { authenticate, type EmulatorContext } from '../route-context.js';
import { type EmuRequest, jsonReply, type Reply, type Router } from '../served-request.js';
import { baseResponse, stringifyWire } from '../wire-objects.js';
import { cardRefusal } from './share-checks.js';

/** Per session: ClientMsgId → the MsgID it was recorded under, so a retried send is recorded once. */
const sentByClientMsgId = new WeakMap<Session, Map<string, string>>();

const OK_REPLY_HEAD = `{"BaseResponse":${JSON.stringify(baseResponse(0))},"MsgID":`;

export function reply(ret: number, msgId: string, localId: string, errMsg = ''): Reply {
  // The accepted send, written directly: what stringifyWire gives for the same SendMsgReply.
  if (ret === 0)
    return jsonReply(`${OK_REPLY_HEAD}${JSON.stringify(msgId)},"LocalID":${JSON.stringify(localId)}}`);
  const r: SendMsgReply = { BaseResponse: baseResponse(ret, errMsg), MsgID: msgId, LocalID: localId };
  return jsonReply(stringifyWire(r));
}

/**
 * A Msg field as the client wrote it: strings as they are, numbers digit-exact from the body text
 * (a 17-digit LocalID does not survive JSON.parse as a number).
 */
const rawNumber = new Map<string, RegExp>();

function rawField(bodyText: string, value: unknown, name: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    let re = rawNumber.get(name);
    if (re === undefined) {
      re = new RegExp(`"${name}"\\s*:\\s*(-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?)`);
      rawNumber.set(name, re);
    }
    const m = re.exec(bodyText);
    return m?.[1] ?? String(value);
  }
  return '';
}

/**
 * What a media send endpoint adds to the record (its media, the Scene); a returned number refuses the
 * send with that Ret (routes/media-routes.ts).
 */
export type SendDecorator = (
  msg: Record<string, unknown>,
  record: SentRecord,
  body: Record<string, unknown>,
) => number | undefined;

export function sendMsg(ctx: EmulatorContext, req: EmuRequest, s: Session, decorate?: SendDecorator): Reply {
  const body = req.json() as { Msg?: Record<string, unknown> } | undefined;
  const msg = body?.Msg;
  if (typeof msg !== 'object' || msg === null) return reply(1, '', '');
  const toUserName = typeof msg.ToUserName === 'string' ? msg.ToUserName : '';
  const to = s.names.idOf(toUserName);
  // A File Transfer session writes to filehelper only (§14).
  if (s.app === 'filehelper' && to !== FILEHELPER) return reply(SEND_OUTSIDE_FILEHELPER_RET, '', '');
  const self = to === ctx.world.self.id;
  const target = to === undefined ? undefined : (ctx.world.room(to) ?? ctx.world.person(to));
  if (
    to === undefined ||
    (!self && target === undefined) ||
    (target && 'kind' in target && target.kind === 'stranger')
  ) {
    return reply(1204, '', '');
  }
  const localId = rawField(req.bodyText, msg.LocalID, 'LocalID');
  // A repeated ClientMsgId is a retry: answer the original MsgID and record nothing (issue #6).
  const clientMsgId = rawField(req.bodyText, msg.ClientMsgId, 'ClientMsgId');
  const earlier = clientMsgId ? sentByClientMsgId.get(s)?.get(clientMsgId) : undefined;
  if (earlier !== undefined) return reply(0, earlier, localId);
  const record: SentRecord = {
    msgId: ctx.msgIds.take(),
    localId,
    clientMsgId,
    type: Number(msg.Type ?? 0),
    fromUserName: typeof msg.FromUserName === 'string' ? msg.FromUserName : '',
    toUserName,
    to,
    content: typeof msg.Content === 'string' ? msg.Content : '',
    time: Date.now(),
    sessionId: s.id,
  };
  const refused = decorate?.(msg, record, body as Record<string, unknown>);
  if (refused) return reply(refused, '', '');
  ctx.sent.push(record);
  if (clientMsgId) {
    let known = sentByClientMsgId.get(s);
    if (!known) {
      known = new Map();
      sentByClientMsgId.set(s, known);
    }
    known.set(clientMsgId, record.msgId);
  }
  if (ctx.logger.isLevelEnabled?.('debug') ?? true)
    ctx.logger.debug({ session: s.id, to, type: record.type }, 'emulator message sent');
  ctx.events.emit('sent', record);
  deliverToAccounts(ctx, record);
  if (to === FILEHELPER) echoFileHelperSend(ctx, s, record);
  return reply(0, record.msgId, localId);
}

export function registerMessageRoutes(router: Router, ctx: EmulatorContext): void {
  router.api('webwxsendmsg', {
    methods: ['POST'],
    handler: (req) => {
      const auth = authenticate(ctx, req);
      if (!auth.ok) return reply(auth.ret, '', '', auth.errMsg);
      // A contact card (Type 42) must name someone (share-checks.ts).
      return sendMsg(auth.ctx, req, auth.session, (msg, record) =>
        Number(msg.Type) === 42 ? cardRefusal(auth.ctx, auth.session, record.content) : undefined,
      );
    },
    retReply: (ret) => reply(ret, '', ''),
  });
}
