/** Revoking a sent message (§5.6): webwxrevokemsg with SvrMsgId and ClientMsgId. */
import { buildRevokeRequest, parseRevokeReply } from '../protocol/media-message.js';
import type { RevokeTarget } from './media-types.js';
import type { MessageServiceDeps } from './message-service.js';

export async function revokeMessage(deps: MessageServiceDeps, sent: RevokeTarget): Promise<void> {
  if (!sent?.msgId || !sent.toUserName) {
    throw new TypeError('revoke: needs { msgId, localId, toUserName } of a sent message');
  }
  const { rt, session } = deps;
  const spec = buildRevokeRequest(session.context(), {
    deviceId: session.deviceId,
    svrMsgId: sent.msgId,
    clientMsgId: sent.localId,
    toUserName: sent.toUserName,
  });
  parseRevokeReply((await rt.send(spec)).text);
  rt.logger.debug({ msgId: sent.msgId }, 'message revoked');
}
