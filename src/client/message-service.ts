/**
 * Sending (§5.1, §5.2). Sends are never retried automatically: a retry could deliver twice.
 */
import { LoggedOutError, logoutReasonFor, ProtocolError } from '../errors.js';
import { buildSendTextRequest, parseSendMsgReply } from '../protocol/index.js';
import type { Runtime } from './runtime.js';
import type { SeenSet } from './seen-set.js';
import type { Session } from './session.js';
import type { SendTextResult } from './types.js';

export interface MessageServiceDeps {
  rt: Runtime;
  session: Session;
  /** The sent MsgID is recorded here, so the copy webwxsync may echo back is not emitted (§4.6). */
  seen: SeenSet;
  endSession(error: LoggedOutError): void;
}

export async function sendText(deps: MessageServiceDeps, to: string, text: string): Promise<SendTextResult> {
  const { rt, session } = deps;
  if (!to) throw new TypeError('sendText: `to` must be a UserName');
  const clientMsgId = rt.nextClientMsgId();
  const spec = buildSendTextRequest(session.context(), {
    deviceId: session.deviceId,
    from: session.selfUserName,
    to,
    content: text,
    clientMsgId,
  });
  try {
    const reply = await rt.send(spec);
    const sent = parseSendMsgReply(spec.endpoint, reply.text);
    if (sent.MsgID) deps.seen.add(sent.MsgID);
    rt.logger.debug({ msgId: sent.MsgID }, 'text sent');
    return { msgId: sent.MsgID, localId: sent.LocalID || clientMsgId, toUserName: to };
  } catch (error) {
    if (error instanceof ProtocolError) {
      const reason = logoutReasonFor(error.ret);
      if (reason) {
        const loggedOut = new LoggedOutError(reason, error.ret);
        deps.endSession(loggedOut);
        throw loggedOut;
      }
    }
    throw error;
  }
}
