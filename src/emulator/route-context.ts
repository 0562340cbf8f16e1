/**
 * The state every route shares, and session lookup/validation for requests (§3.1, §3.5, §11).
 */
import type { Logger } from '../logger.js';
import type { Emitter } from './emitter.js';
import type {
  EmulatorTiming,
  PhoneEvents,
  SentRecord,
  SessionEndReason,
  StatusNotifyRecord,
} from './emulator-types.js';
import { fileHelperRefusal } from './filehelper-app.js';
import type { HoldRegistry } from './holds.js';
import type { MsgIdSource } from './ids.js';
import type { Session, SessionStore } from './login-session.js';
import type { QrStore } from './qr-store.js';
import type { EmuRequest } from './served-request.js';
import type { WorldChanges } from './world-changes.js';
import type { World } from './world-types.js';

/**
 * The accounts of one emulator (docs/emulator.md "Several accounts"): each has its own context (world,
 * sessions, phone records), all share the server's parts (QR codes, holds, MsgIds, media).
 */
export interface AccountDirectory {
  /** Every account's context, in the world's order; the first is the default account. */
  readonly all: readonly EmulatorContext[];
  /** An account's context by its stable id (its world's self id). */
  byId(id: string): EmulatorContext | undefined;
}

/**
 * The state of one account's routes and phone. Fields marked shared are the same objects in every
 * account's context.
 */
export interface EmulatorContext {
  /** The account's world: its self, contacts and rooms. */
  readonly world: World;
  /** The account's stable id (`world.self.id`). */
  readonly accountId: string;
  /** Every account of the emulator (shared). */
  readonly accounts: AccountDirectory;
  /** The changes to the world (friend requests, rooms, contacts) and who has yet to sync them. */
  readonly changes: WorldChanges;
  readonly timing: EmulatorTiming;
  readonly logger: Logger;
  /** Set once the server listens. */
  baseUrl: string;
  /** `unlessUos`: only main web logins without the UOS/desktop headers are refused ('non-uos'). */
  readonly refuseLogin: false | { ret: number; message: string; unlessUos: boolean };
  /** The real path of the directory `POST /__phone/media` may read files from (`mediaDir`). */
  readonly mediaDir: string | undefined;
  readonly contactPageSize: number;
  readonly syncBatchSize: number;
  readonly kickPreviousSession: boolean;
  readonly qrs: QrStore;
  readonly sessions: SessionStore;
  readonly holds: HoldRegistry;
  readonly events: Emitter<PhoneEvents>;
  readonly msgIds: MsgIdSource;
  readonly sent: SentRecord[];
  readonly notifications: StatusNotifyRecord[];
}

export function endSession(ctx: EmulatorContext, s: Session, code: number, reason: SessionEndReason): void {
  if (s.end(code, reason)) {
    ctx.logger.info({ session: s.id, code, reason }, 'emulator session ended');
    ctx.events.emit('logout', { sessionId: s.id, code, reason });
  }
}

/** A refusal's `errMsg` is the BaseResponse.ErrMsg to answer with (empty unless a File Transfer rule refused). */
export type Auth =
  | { ok: true; session: Session /** The context of the session's account. */; ctx: EmulatorContext }
  | { ok: false; ret: number; errMsg?: string };

/** The context of a session's account (the given one when the session is of no known account). */
export function accountContextOf(ctx: EmulatorContext, s: Session): EmulatorContext {
  return ctx.accounts.byId(s.accountId) ?? ctx;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** pass_ticket may come raw, once- or twice-encoded, or as 'undefined' (§3.5). */
function passTicketMatches(s: Session, value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'undefined') return true;
  if (value === s.passTicketRaw || value === s.passTicketEncoded) return true;
  const candidates = [value, value.replace(/ /g, '+')];
  for (let i = 0; i < 2; i++) {
    const last = candidates[candidates.length - 1]!;
    try {
      candidates.push(decodeURIComponent(last));
    } catch {
      break;
    }
  }
  return candidates.some((c) => c === s.passTicketRaw || c === s.passTicketEncoded);
}

/**
 * The session a request belongs to: from the JSON BaseRequest (Uin string or number, DeviceID
 * ignored), else from the query/form (sid, uin, skey) and the wxsid/wxuin cookies.
 * Unknown or mismatched credentials answer 1101; a dead session its end code; a File Transfer session
 * without its marker, or on a group/contact endpoint, the Ret filehelper-app.ts chose. `body` stands for the
 * JSON body when the request carries its BaseRequest elsewhere (a multipart upload's form field).
 */
export function authenticate(ctx: EmulatorContext, req: EmuRequest, body: unknown = req.json()): Auth {
  const br =
    typeof body === 'object' && body !== null && 'BaseRequest' in body
      ? (body as { BaseRequest: unknown }).BaseRequest
      : undefined;
  let sid: string | undefined;
  let uin: string | undefined;
  let skey: string | undefined;
  if (typeof br === 'object' && br !== null) {
    const b = br as Record<string, unknown>;
    sid = str(b.Sid);
    uin = str(b.Uin);
    skey = str(b.Skey);
  } else {
    sid = req.param('sid') ?? req.cookies.get('wxsid');
    uin = req.param('uin') ?? req.cookies.get('wxuin');
    skey = req.param('skey');
  }
  const session = ctx.sessions.bySidValue(sid) ?? (sid ? undefined : ctx.sessions.bySkeyValue(skey));
  if (session === undefined) return { ok: false, ret: 1101 };
  if (uin && uin !== String(session.uin)) return { ok: false, ret: 1101 };
  if (skey && skey !== session.skey) return { ok: false, ret: 1101 };
  if (session.state === 'ended') return { ok: false, ret: session.endCode ?? 1101 };
  if (!passTicketMatches(session, req.queryParam('pass_ticket'))) return { ok: false, ret: 1 };
  if (session.app === 'filehelper') {
    // The mmweb_appid marker where §14 puts it; no group or contact management (filehelper-app.ts).
    const refused = fileHelperRefusal(req);
    if (refused !== undefined) return { ok: false, ...refused };
  }
  return { ok: true, session, ctx: accountContextOf(ctx, session) };
}
