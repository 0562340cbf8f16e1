/**
 * Session start (§4.1, §4.2): webwxinit and webwxstatusnotify.
 */
import type { InitReply, StatusNotifyReply, WireContact } from '../../protocol/wire-types.js';
import { FILEHELPER } from '../filehelper-app.js';
import type { Session } from '../login-session.js';
import { authenticate, type EmulatorContext } from '../route-context.js';
import { type EmuRequest, jsonReply, type Reply, type Router } from '../served-request.js';
import { emojiToSpan } from '../wire-format.js';
import { baseResponse, stringifyWire, wirePerson, wireRoom, wireUser } from '../wire-objects.js';

const CLIENT_VERSION = 385876258;

function failure(ret: number, extra: Record<string, unknown> = {}, errMsg = ''): Reply {
  return jsonReply(stringifyWire({ BaseResponse: baseResponse(ret, errMsg), ...extra }));
}

/** The chats of webwxinit: the recent ones, or for a File Transfer session filehelper alone (§14). */
function initChats(ctx: EmulatorContext, s: Session): readonly string[] {
  return s.app === 'filehelper' ? [FILEHELPER] : ctx.world.recent;
}

function initReply(ctx: EmulatorContext, s: Session): InitReply {
  const { world } = ctx;
  const contacts: WireContact[] = [];
  for (const id of initChats(ctx, s)) {
    const person = world.person(id);
    const room = world.room(id);
    if (person !== undefined) contacts.push(wirePerson(person, s.names, s.skey));
    else if (room !== undefined) contacts.push(wireRoom(world, room, s.names, s.skey, { members: 'short' }));
  }
  const official = s.app === 'web' ? world.contacts.find((c) => c.kind === 'official') : undefined;
  const now = Math.floor(Date.now() / 1000);
  const mp = official
    ? [
        {
          UserName: s.names.userName(official.id),
          MPArticleCount: 1,
          MPArticleList: [
            {
              Title: `${official.nickName}: today`,
              Digest: 'Three minutes of news.',
              Cover: 'http://mmbiz.qpic.cn/mmbiz_jpg/emulator/300?wxtype=jpeg&wxfrom=0',
              Url: 'http://mp.weixin.qq.com/s?__biz=emulator&mid=1&idx=1#rd',
            },
          ],
          Time: now - 600,
          NickName: emojiToSpan(official.nickName),
        },
      ]
    : [];
  return {
    BaseResponse: baseResponse(),
    Count: contacts.length,
    ContactList: contacts,
    SyncKey: s.initSyncKey(),
    User: wireUser(world, s.names, s.skey),
    ChatSet: `${contacts.map((c) => c.UserName).join(',')},`,
    SKey: s.skey,
    ClientVersion: CLIENT_VERSION,
    SystemTime: now,
    GrayScale: 1,
    InviteStartCount: 40,
    MPSubscribeMsgCount: mp.length,
    MPSubscribeMsgList: mp,
    ClickReportInterval: 600000,
  };
}

function statusNotify(ctx: EmulatorContext, req: EmuRequest, s: Session): Reply {
  const body = (req.json() ?? {}) as Record<string, unknown>;
  const code = Number(body.Code ?? 0);
  const toUserName = typeof body.ToUserName === 'string' ? body.ToUserName : '';
  const record = {
    code,
    fromUserName: typeof body.FromUserName === 'string' ? body.FromUserName : '',
    toUserName,
    to: s.names.idOf(toUserName),
    time: Date.now(),
    sessionId: s.id,
  };
  ctx.notifications.push(record);
  ctx.events.emit('statusnotify', record);
  const reply: StatusNotifyReply = { BaseResponse: baseResponse(), MsgID: ctx.msgIds.take() };
  return jsonReply(stringifyWire(reply));
}

export function registerInitRoutes(router: Router, ctx: EmulatorContext): void {
  router.api('webwxinit', {
    methods: ['POST'],
    handler: (req) => {
      const auth = authenticate(ctx, req);
      // A dead session's init answers 1101 whatever ended it (§4.1, §12): the only Ret that stops wechat4u.
      if (!auth.ok) return failure(auth.ret >= 1100 && auth.ret <= 1102 ? 1101 : auth.ret, {}, auth.errMsg);
      auth.session.initialized = true;
      return jsonReply(stringifyWire(initReply(auth.ctx, auth.session)));
    },
  });
  router.api('webwxstatusnotify', {
    methods: ['POST'],
    handler: (req) => {
      const auth = authenticate(ctx, req);
      if (!auth.ok) return failure(auth.ret, { MsgID: '' }, auth.errMsg);
      return statusNotify(auth.ctx, req, auth.session);
    },
    retReply: (ret) => failure(ret, { MsgID: '' }),
  });
}
