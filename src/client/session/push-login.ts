/**
 * Push login (§2.6): webwxpushloginurl?uin=… makes the phone ask "log in to Web WeChat?"; the uuid it
 * answers is polled like a QR code's, and a confirmation goes on as a QR login does. No QR is shown.
 */
import { buildPushLoginRequest, parsePushLoginReply } from '../../protocol/index.js';
import type { Hosts } from '../../protocol/session-context.js';
import type { Runtime } from '../runtime.js';
import { completeLogin, type LoginResult, pollOneQr } from './login-flow.js';

export type PushLoginOutcome = { kind: 'confirmed'; login: LoginResult } | { kind: 'declined'; why: string };

/**
 * Asks the phone of `uin` to confirm a login through `hosts.main` (the saved session's main host).
 * Resolves 'declined' when the phone cancels or lets it expire; throws when the server refuses the
 * request (ProtocolError, e.g. ret 1 for an unknown uin) or the network fails.
 */
export async function runPushLogin(rt: Runtime, hosts: Hosts, uin: string): Promise<PushLoginOutcome> {
  const reply = await rt.send(buildPushLoginRequest({ hosts, uin, desktop: rt.options.uos.enabled }), {
    retry: true,
  });
  const { uuid } = parsePushLoginReply(reply.text);
  rt.setState('waiting-for-scan');
  rt.logger.info('push login sent to the phone; waiting for its confirmation');
  const outcome = await pollOneQr(rt, uuid);
  if (outcome.kind === 'renew') return { kind: 'declined', why: outcome.why };
  return { kind: 'confirmed', login: await completeLogin(rt, outcome.redirectUri) };
}
