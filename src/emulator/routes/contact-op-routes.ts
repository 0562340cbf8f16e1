/**
 * Contact operations (§7.1, §7.4, §7.5): webwxoplog (CmdId 2 remark, CmdId 3 pin), webwxverifyuser
 * (Opcode 2 send a request, Opcode 3 accept one) and webwxsearchcontact. Also the helper every
 * world-changing route uses.
 */

import type { Session } from '../login-session.js';
import { authenticate, type EmulatorContext } from '../route-context.js';
import { type EmuRequest, jsonReply, type Reply, type Router } from '../served-request.js';
import { baseResponse, stringifyWire, wirePerson } from '../wire-objects.js';
import { WorldChangeError } from '../world-change-records.js';

export type JsonBody = Record<string, unknown>;

function failure(ret: number, errMsg: string, extra: JsonBody): Reply {
  return jsonReply(stringifyWire({ BaseResponse: baseResponse(ret, errMsg), ...extra }));
}

/**
 * Registers a POST route that authenticates, hands the JSON body to `handler`, and answers a
 * WorldChangeError with its Ret (and `extra`, the reply's empty fields).
 */
export function worldRoute(
  router: Router,
  ctx: EmulatorContext,
  name: string,
  extra: JsonBody,
  handler: (s: Session, body: JsonBody, req: EmuRequest, ctx: EmulatorContext) => JsonBody,
): void {
  router.api(name, {
    methods: ['POST'],
    handler: (req) => {
      const auth = authenticate(ctx, req);
      if (!auth.ok) return failure(auth.ret, auth.errMsg ?? '', extra);
      const raw = req.json();
      const body = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as JsonBody) : {};
      try {
        return jsonReply(
          stringifyWire({
            BaseResponse: baseResponse(0),
            ...extra,
            ...handler(auth.session, body, req, auth.ctx),
          }),
        );
      } catch (error) {
        if (error instanceof WorldChangeError) {
          ctx.logger.debug(
            { endpoint: name, ret: error.ret, reason: error.message },
            'emulator refused an operation',
          );
          return failure(error.ret, error.message, extra);
        }
        throw error;
      }
    },
    retReply: (ret) => failure(ret, '', extra),
  });
}

/** The stable id behind a UserName of this session; Ret 1 when it names nobody. */
export function idOfUserName(s: Session, value: unknown): string {
  const id = typeof value === 'string' ? s.names.idOf(value) : undefined;
  if (id === undefined) throw new WorldChangeError(1, `unknown UserName`);
  return id;
}

function oplog(ctx: EmulatorContext, s: Session, body: JsonBody): JsonBody {
  const changes = ctx.changes;
  const id = idOfUserName(s, body.UserName);
  const remark = typeof body.RemarkName === 'string' ? body.RemarkName : undefined;
  const cmd = Number(body.CmdId);
  if (cmd === 2) {
    if (remark === undefined) throw new WorldChangeError(1, 'RemarkName is missing');
    changes.setRemark(id, remark);
  } else if (cmd === 3) {
    const op = Number(body.OP);
    if (op !== 0 && op !== 1) throw new WorldChangeError(1, 'OP must be 0 or 1');
    changes.setPinned(id, op === 1);
    // As on the real server, the remark goes along: leaving it out clears it (wechat4u's warning).
    if (!ctx.world.room(id)) changes.setRemark(id, remark ?? '');
  } else throw new WorldChangeError(1, `unknown CmdId ${String(body.CmdId)}`);
  return {};
}

function verifyUser(ctx: EmulatorContext, s: Session, body: JsonBody): JsonBody {
  const changes = ctx.changes;
  const list = Array.isArray(body.VerifyUserList) ? (body.VerifyUserList as unknown[]) : [];
  const item = list[0];
  if (list.length !== 1 || typeof item !== 'object' || item === null)
    throw new WorldChangeError(1, 'VerifyUserList must hold one user');
  const { Value, VerifyUserTicket } = item as { Value?: unknown; VerifyUserTicket?: unknown };
  const id = idOfUserName(s, Value);
  const opcode = Number(body.Opcode);
  if (opcode === 3) changes.acceptFromSelf(id, typeof VerifyUserTicket === 'string' ? VerifyUserTicket : '');
  else if (opcode === 2)
    changes.sendFromSelf(id, typeof body.VerifyContent === 'string' ? body.VerifyContent : '');
  else throw new WorldChangeError(1, `unsupported Opcode ${String(body.Opcode)}`);
  return {};
}

/** The most entries a search answers with (the emulator's choice). */
export const SEARCH_LIMIT = 50;

/**
 * webwxsearchcontact (§7.5). What the real server matches is not captured; the emulator answers with
 * the listed contacts (not strangers, not rooms) whose id, alias, nickname or remark name contains the
 * keyword (case-insensitive), at most {@link SEARCH_LIMIT}, each a full contact object with
 * `EncryUserName` (what the official page reads) set to its UserName. No KeyWord → Ret 1.
 */
function searchContact(ctx: EmulatorContext, s: Session, body: JsonBody): JsonBody {
  const keyword = typeof body.KeyWord === 'string' ? body.KeyWord.trim().toLowerCase() : '';
  if (keyword === '') throw new WorldChangeError(1, 'KeyWord is missing');
  // A File Transfer session has no address book (§14).
  const people = s.app === 'filehelper' ? [] : ctx.world.listedContacts();
  const List = people
    .filter((p) => [p.id, p.alias, p.nickName, p.remarkName].some((v) => v.toLowerCase().includes(keyword)))
    .slice(0, SEARCH_LIMIT)
    .map((p) => ({ ...wirePerson(p, s.names, s.skey), EncryUserName: s.names.userName(p.id) }));
  return { List };
}

export function registerContactOpRoutes(router: Router, ctx: EmulatorContext): void {
  worldRoute(router, ctx, 'webwxoplog', {}, (s, body, _req, actx) => oplog(actx, s, body));
  worldRoute(router, ctx, 'webwxverifyuser', {}, (s, body, _req, actx) => verifyUser(actx, s, body));
  worldRoute(router, ctx, 'webwxsearchcontact', { List: [] }, (s, body, _req, actx) =>
    searchContact(actx, s, body),
  );
}
