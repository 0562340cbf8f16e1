/**
 * The QR login state machine (§2): jslogin → qr event → login poll (tip 1, then 0) → 408 poll again,
 * 201 scanned, 200 confirmed → webwxnewloginpage. An expired or cancelled QR starts over with a new
 * uuid; a refusal rejects with LoginRefusedError (thrown by parseNewLoginPageReply).
 */
import { TransportError } from '../../errors.js';
import {
  buildJsLoginRequest,
  buildLoginPollRequest,
  buildNewLoginPageRequest,
  buildQrImageRequest,
  parseJsLoginReply,
  parseLoginPollReply,
  parseNewLoginPageReply,
  qrContentUrl,
} from '../../protocol/index.js';
import type { Credentials, Hosts } from '../../protocol/session-context.js';
import { backoffDelay, isRetryable } from '../../transport/index.js';
import type { QrEvent } from '../client-types.js';
import { errorText } from '../error-text.js';
import type { Runtime } from '../runtime.js';
import { sessionHostsOf } from './app-mode.js';

export interface LoginResult {
  credentials: Credentials;
  /** The session's hosts: derived from redirect_uri, with the user's explicit hosts on top. */
  hosts: Hosts;
  redirectUri: string;
  isGrayscale: boolean;
}

/** The outcome of one QR code's polling. */
export type QrOutcome = { kind: 'confirmed'; redirectUri: string } | { kind: 'renew'; why: string };

/** How many failed polls in a row end the login with the last error. */
const MAX_POLL_FAILURES = 8;

export async function runQrLogin(rt: Runtime): Promise<LoginResult> {
  const { options, logger } = rt;
  const hosts = options.hosts;
  for (let qrCount = 1; ; qrCount++) {
    const jslogin = await rt.send(
      buildJsLoginRequest({
        hosts,
        lang: options.lang,
        desktop: options.uos.enabled,
        app: options.app,
        nowMs: options.now(),
      }),
      { retry: true },
    );
    const { uuid } = parseJsLoginReply(jslogin.text);
    rt.setState('waiting-for-scan');
    rt.events.emit('qr', await qrEvent(uuid, hosts));
    logger.info({ qrCount }, 'QR code ready, waiting for a scan');

    const outcome = await pollOneQr(rt, uuid);
    if (outcome.kind === 'renew') {
      logger.info({ why: outcome.why }, 'QR code no longer valid, getting a new one');
      continue;
    }

    return completeLogin(rt, outcome.redirectUri);
  }
}

/** A confirmed login: webwxnewloginpage with the redirect_uri → credentials and the session's hosts. */
export async function completeLogin(rt: Runtime, redirectUri: string): Promise<LoginResult> {
  const { options, logger } = rt;
  rt.setState('logging-in');
  const page = await rt.send(
    buildNewLoginPageRequest({
      redirectUri,
      desktop: options.uos.enabled,
      app: options.app,
      ...(options.uos.enabled ? { uos: { extspam: options.uos.extspam } } : {}),
    }),
    { retry: true },
  );
  const { credentials, isGrayscale } = parseNewLoginPageReply(page);
  const sessionHosts: Hosts = {
    ...sessionHostsOf(options.app, redirectUri, options.hosts.qr),
    ...options.explicitHosts,
  };
  logger.info({ app: options.app, main: sessionHosts.main, push: sessionHosts.push }, 'logged in');
  return { credentials, hosts: sessionHosts, redirectUri, isGrayscale };
}

/** Polls one uuid (QR or push login) until it is confirmed, cancelled or expired. */
export async function pollOneQr(rt: Runtime, uuid: string): Promise<QrOutcome> {
  const { options, logger } = rt;
  let tip: 0 | 1 = 1;
  let scanned = false;
  let failures = 0;
  for (;;) {
    let text: string;
    try {
      const reply = await rt.send(
        buildLoginPollRequest({
          hosts: options.hosts,
          uuid,
          tip,
          nowMs: options.now(),
          timeoutMs: options.timeouts.loginPollMs,
          app: options.app,
        }),
      );
      text = reply.text;
      failures = 0;
    } catch (error) {
      if (rt.signal.aborted) throw error;
      // A poll our side timed out is a 408 by another name.
      if (error instanceof TransportError && error.timedOut) continue;
      failures++;
      if (!isRetryable(error) || failures >= MAX_POLL_FAILURES) throw error;
      const delayMs = backoffDelay(failures, options.retry, options.random);
      logger.warn({ failures, delayMs, error: errorText(error) }, 'login poll failed, retrying');
      await rt.sleep(delayMs);
      continue;
    }
    tip = 0;
    const state = parseLoginPollReply(text);
    switch (state.state) {
      case 'waiting':
        break;
      case 'scanned':
        if (!scanned) {
          scanned = true;
          rt.setState('scanned');
          rt.events.emit('scanned', state.avatar === undefined ? {} : { avatar: state.avatar });
        }
        break;
      case 'confirmed':
        return { kind: 'confirmed', redirectUri: state.redirectUri };
      case 'cancelled':
        return { kind: 'renew', why: 'cancelled on the phone' };
      case 'expired':
        return { kind: 'renew', why: `expired (code ${state.code})` };
    }
  }
}

async function qrEvent(uuid: string, hosts: Hosts): Promise<QrEvent> {
  const url = qrContentUrl(uuid, hosts);
  // Loaded here, not at import: a client that never shows a QR (a saved session) does not pay for it.
  const { default: QRCode } = await import('qrcode');
  const terminal = await QRCode.toString(url, { type: 'terminal', small: true });
  return { uuid, url, imageUrl: buildQrImageRequest(uuid, hosts).url, terminal };
}
