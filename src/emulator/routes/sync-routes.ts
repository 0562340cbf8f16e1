/**
 * Synchronisation (§4.5, §4.6): synccheck (a real long-poll) and webwxsync (the per-session queue).
 */

import { emptyProfile } from '../../protocol/wire-defaults.js';
import type { SyncKey, SyncReply, WireContact, WireMessage } from '../../protocol/wire-types.js';
import { hasMarkerQuery, MARKER_MISSING_RETCODE } from '../filehelper-app.js';
import type { HoldOptions } from '../holds.js';
import type { Session } from '../login-session.js';
import { scopeCookie } from '../proxy/public-origin.js';
import { accountContextOf, authenticate, type EmulatorContext } from '../route-context.js';
import { type EmuRequest, jsonReply, type Reply, type Router, textReply } from '../served-request.js';
import { setCookie, syncCheckReply } from '../wire-format.js';
import { baseResponse, stringifyMessage, stringifyWire } from '../wire-objects.js';
import { syncContactFields } from '../world-change-records.js';

function syncCheckText(body: string): Reply {
  return textReply(200, 'text/javascript', body, { 'Access-Control-Allow-Origin': '*' });
}

/** Key 1's value in a formatted synckey ('1_698325105|2_…'). */
function key1OfQuery(synckey: string | undefined): number | undefined {
  if (!synckey) return undefined;
  for (const pair of synckey.split('|')) {
    const [k, v] = pair.split('_');
    if (k === '1' && v !== undefined) return Number(v);
  }
  return undefined;
}

function key1OfBody(body: unknown): number | undefined {
  const list = (body as { SyncKey?: { List?: unknown } } | undefined)?.SyncKey?.List;
  if (!Array.isArray(list)) return undefined;
  for (const item of list) {
    if (typeof item === 'object' && item !== null && Number((item as { Key?: unknown }).Key) === 1) {
      return Number((item as { Val?: unknown }).Val);
    }
  }
  return undefined;
}

/** A held synccheck (a class: HoldRegistry calls its methods, no closures made per poll). */
class SyncCheckHold implements HoldOptions<string> {
  readonly ms: number;
  constructor(
    private readonly ctx: EmulatorContext,
    private readonly s: Session,
    private readonly clientSeq: number,
    readonly signal: EmuRequest,
  ) {
    this.ms = ctx.timing.syncCheckHoldMs;
  }

  check(): string | undefined {
    const s = this.s;
    if (s.state === 'ended') return syncCheckReply(s.endCode ?? 1101, 0);
    if (s.hasPendingAfter(this.clientSeq)) return syncCheckReply(0, s.pendingSelector(this.clientSeq));
    if (this.ctx.changes.hasContactChanges(s)) return syncCheckReply(0, 4);
    if (s.signalled !== undefined) return syncCheckReply(0, s.signalled);
    return undefined;
  }

  subscribe(wake: () => void): () => void {
    return this.s.onChange(wake);
  }

  onTimeout(): string {
    const s = this.s;
    return s.state === 'ended' ? syncCheckReply(s.endCode ?? 1101, 0) : syncCheckReply(0, 0);
  }
}

async function syncCheck(ctx: EmulatorContext, req: EmuRequest): Promise<Reply> {
  const sid = req.cookie('wxsid');
  const uin = req.cookie('wxuin');
  if (!sid || !uin) return syncCheckText(syncCheckReply(1102, 0));
  const s = ctx.sessions.bySidValue(sid);
  if (s === undefined || String(s.uin) !== uin) return syncCheckText(syncCheckReply(1101, 0));
  // A live File Transfer session without its marker (§14): retcode ≠ 0, the session stays as it is.
  if (s.app === 'filehelper' && s.state === 'active' && !hasMarkerQuery(req))
    return syncCheckText(syncCheckReply(MARKER_MISSING_RETCODE, 0));
  const clientSeq = s.seqOfKey1(key1OfQuery(req.param('synckey')));
  return syncCheckText(await ctx.holds.hold(new SyncCheckHold(accountContextOf(ctx, s), s, clientSeq, req)));
}

function emptySync(ret: number, key: SyncReply['SyncKey']): SyncReply {
  return {
    BaseResponse: baseResponse(ret),
    AddMsgCount: 0,
    AddMsgList: [],
    ModContactCount: 0,
    ModContactList: [],
    DelContactCount: 0,
    DelContactList: [],
    ModChatRoomMemberCount: 0,
    ModChatRoomMemberList: [],
    Profile: emptyProfile(),
    ContinueFlag: 0,
    SyncKey: key,
    SKey: '',
    SyncCheckKey: key,
  };
}

const PROFILE_JSON = JSON.stringify(emptyProfile());
const BASE_OK_JSON = JSON.stringify(baseResponse(0));

/**
 * `stringifyWire` of a successful webwxsync reply (emptySync's key order, the fields `sync` sets in
 * their places), written piece by piece: only the messages and the SyncKey vary, so the constant
 * parts are not serialised again on every sync. test/emulator/sync-reply.test.ts holds it to
 * stringifyWire.
 */
export function syncReplyText(
  messages: readonly WireMessage[],
  more: boolean,
  key: SyncKey,
  changes: { mod: WireContact[]; del: WireContact[] },
): string {
  let list = '';
  for (let i = 0; i < messages.length; i++) list += (i === 0 ? '' : ',') + stringifyMessage(messages[i]!);
  const keyJson = JSON.stringify(key);
  const mod = changes.mod.length === 0 ? '[]' : stringifyWire(changes.mod);
  const del = changes.del.length === 0 ? '[]' : stringifyWire(changes.del);
  return (
    `{"BaseResponse":${BASE_OK_JSON},"AddMsgCount":${messages.length},"AddMsgList":[${list}],` +
    `"ModContactCount":${changes.mod.length},"ModContactList":${mod},` +
    `"DelContactCount":${changes.del.length},"DelContactList":${del},` +
    `"ModChatRoomMemberCount":0,"ModChatRoomMemberList":[],"Profile":${PROFILE_JSON},` +
    `"ContinueFlag":${more ? 1 : 0},"SyncKey":${keyJson},"SKey":"","SyncCheckKey":${keyJson}}`
  );
}

/** The object `syncReplyText` writes (for its test). */
export function syncReplyObject(
  messages: WireMessage[],
  more: boolean,
  key: SyncKey,
  changes: { mod: WireContact[]; del: WireContact[] },
): SyncReply {
  return {
    ...emptySync(0, key),
    AddMsgCount: messages.length,
    AddMsgList: messages,
    ContinueFlag: more ? 1 : 0,
    ...syncContactFields(changes),
  };
}

/**
 * The five Set-Cookie values of a webwxsync (host-only). Their expiry dates have a resolution of a
 * second, so they are made once per session and second.
 */
const cookieCache = new WeakMap<Session, { second: number; cookies: string[] }>();

function syncCookies(s: Session, now: number): string[] {
  const second = Math.floor(now / 1000);
  const cached = cookieCache.get(s);
  if (cached !== undefined && cached.second === second) return cached.cookies;
  const day = now + 12 * 3600_000;
  const cookies = [
    setCookie('wxloadtime', `${s.loadTime}_expired`, day),
    setCookie('wxpluginkey', String(s.pluginKey), day),
    setCookie('wxuin', String(s.uin), day + 2 * 24 * 3600_000),
    setCookie('wxsid', s.sid, day),
    setCookie('webwx_data_ticket', s.dataTicket, day),
  ];
  cookieCache.set(s, { second, cookies });
  return cookies;
}

function sync(ctx: EmulatorContext, req: EmuRequest, s: Session): Reply {
  const clientSeq = s.seqOfKey1(key1OfBody(req.json()));
  const { messages, deliveredSeq, more } = s.take(clientSeq, ctx.syncBatchSize);
  const now = Date.now();
  s.lastSyncAt = now;
  s.signalled = undefined;
  const key = s.syncKeyAt(deliveredSeq);
  const body = syncReplyText(messages, more, key, ctx.changes.takeContactChanges(s));
  const cookies = syncCookies(s, now);
  return jsonReply(body, {
    'Set-Cookie': req.publicHost === undefined ? cookies : cookies.map((c) => scopeCookie(req, c)),
  });
}

export function registerSyncRoutes(router: Router, ctx: EmulatorContext): void {
  router.api('synccheck', {
    methods: ['GET'],
    handler: (req) => syncCheck(ctx, req),
    retReply: (ret) => syncCheckText(syncCheckReply(ret, 0)),
  });
  const failure = (ret: number, errMsg = '') =>
    jsonReply(
      stringifyWire({ ...emptySync(ret, { Count: 0, List: [] }), BaseResponse: baseResponse(ret, errMsg) }),
    );
  router.api('webwxsync', {
    methods: ['POST'],
    handler: (req) => {
      const auth = authenticate(ctx, req);
      return auth.ok ? sync(auth.ctx, req, auth.session) : failure(auth.ret, auth.errMsg);
    },
    retReply: failure,
  });
}
