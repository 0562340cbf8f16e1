/**
 * The recipes of music cards, mini programs and contact cards: what they build decodes back through
 * the model's decoders (the send is the inverse of the receive), their requests go to the right
 * endpoint with the right Type, bad input is a TypeError, and the File Transfer web refuses them.
 */
import { describe, expect, it } from 'vitest';
import { resendPending } from '../../../src/client/send/resend.js';
import { assertServable } from '../../../src/client/send/send-attempt.js';
import { storedSend } from '../../../src/client/send/send-log.js';
import { buildRecipeRequest, forwardRecipe, type SendRecipe } from '../../../src/client/send/send-recipes.js';
import {
  type CardDirectory,
  cardRecipe,
  miniProgramRecipe,
  musicRecipe,
} from '../../../src/client/send/share-recipes.js';
import { refusalOf } from '../../../src/client/session/app-mode.js';
import { wireXml } from '../../../src/emulator/message-encoders.js';
import { InvalidArgumentError, NotAvailableError, ProtocolError } from '../../../src/errors.js';
import { type Contact, decodeMessage, type Message } from '../../../src/model/index.js';
import type { WireMessage } from '../../../src/protocol/wire-types.js';
import { MemoryStore } from '../../../src/store/index.js';
import { wireEntry } from '../../model/message-fixtures.js';
import { testSession } from '../fake-runtime.js';
import { heldOutbox, settle } from './outbox-harness.js';

/** The recipe's Content as the peer would receive it, decoded by the model. */
function received(recipe: SendRecipe, fields: Partial<WireMessage> = {}): Message {
  const msgType = recipe.build === 'card' ? 42 : 49;
  return decodeMessage(
    wireEntry({
      MsgType: msgType,
      AppMsgType: recipe.appMsgType ?? 0,
      Content: wireXml(recipe.content ?? ''),
      ...fields,
    }),
    { selfUserName: '@me' },
  );
}

function requestOf(recipe: SendRecipe): { url: string; msg: Record<string, unknown> } {
  const spec = buildRecipeRequest(testSession().context(), recipe, {
    deviceId: 'e1',
    from: '@me',
    to: '@bob',
    clientMsgId: '123',
  });
  const body = spec.body?.kind === 'json' ? (spec.body.value as { Msg: Record<string, unknown> }) : undefined;
  return { url: spec.url, msg: body?.Msg ?? {} };
}

const MUSIC = {
  title: 'Song & <Dance>',
  description: 'A "singer"',
  url: 'https://music.example.com/song?id=1&x=2',
  dataUrl: 'https://music.example.com/song.mp3',
  thumbUrl: 'https://music.example.com/cover.jpg',
};

describe('musicRecipe', () => {
  it('builds a type 3 appmsg the model decodes back to a music message', () => {
    const recipe = musicRecipe(MUSIC, false);
    expect(recipe).toMatchObject({ build: 'app', kind: 'app', appMsgType: 3 });
    const m = received(recipe);
    if (m.kind !== 'music') throw new Error(`decoded as ${m.kind}`);
    expect([m.title, m.description, m.url, m.dataUrl, m.thumbUrl]).toEqual([
      MUSIC.title,
      MUSIC.description,
      MUSIC.url,
      MUSIC.dataUrl,
      MUSIC.thumbUrl,
    ]);
    expect(recipe.content).toContain("appid='wxeb7ec651dd0aefa9'");
    expect(musicRecipe(MUSIC, true).content).toContain("appid=''");
  });

  it('goes to webwxsendappmsg with Type 3', () => {
    const { url, msg } = requestOf(musicRecipe(MUSIC, false));
    expect(url).toContain('/webwxsendappmsg?');
    expect(msg.Type).toBe(3);
  });

  it('refuses a missing title and URLs that are not http(s)', () => {
    expect(() => musicRecipe({ ...MUSIC, title: '' }, false)).toThrow(InvalidArgumentError);
    expect(() => musicRecipe({ ...MUSIC, dataUrl: 'file:///etc/passwd' }, false)).toThrow(/dataUrl/);
    expect(() => musicRecipe({ ...MUSIC, url: 'javascript:alert(1)' }, false)).toThrow(/url/);
  });
});

const PROGRAM = {
  title: '下午例会 & more',
  description: '会议室预订',
  appId: 'wxe638e634ed8b3907',
  userName: 'gh_0123456789ab@app',
  pagePath: 'pages/index/index.html?room=3&day=1',
  iconUrl: 'https://example.com/icon.png',
  thumbUrl: 'https://example.com/thumb.jpg',
};

describe('miniProgramRecipe', () => {
  it('builds a type 33 appmsg the model decodes back to a mini program', () => {
    const recipe = miniProgramRecipe(PROGRAM);
    expect(recipe).toMatchObject({ build: 'app', kind: 'app', appMsgType: 33 });
    const m = received(recipe);
    if (m.kind !== 'mini-program') throw new Error(`decoded as ${m.kind}`);
    expect([
      m.title,
      m.description,
      m.weappAppId,
      m.weappUserName,
      m.pagePath,
      m.iconUrl,
      m.thumbUrl,
    ]).toEqual([
      PROGRAM.title,
      PROGRAM.description,
      PROGRAM.appId,
      PROGRAM.userName,
      PROGRAM.pagePath,
      PROGRAM.iconUrl,
      PROGRAM.thumbUrl,
    ]);
    expect(m.sourceUserName).toBe(PROGRAM.userName);
    // Older clients open the upgrade page of the app id, as in a received mini program.
    expect(m.url).toBe(
      'https://mp.weixin.qq.com/mp/waerrpage?appid=wxe638e634ed8b3907&type=upgrade&upgradetype=3#wechat_redirect',
    );
  });

  it('goes to webwxsendappmsg with Type 33; one of the two names is enough', () => {
    const { url, msg } = requestOf(miniProgramRecipe({ title: 't', userName: 'gh_x@app' }));
    expect(url).toContain('/webwxsendappmsg?');
    expect(msg.Type).toBe(33);
    expect(miniProgramRecipe({ title: 't', appId: 'wx1' }).content).toContain('<appid>wx1</appid>');
  });

  it('refuses a missing title, a program without a name, and URLs that are not http(s)', () => {
    expect(() => miniProgramRecipe({ ...PROGRAM, title: ' ' })).toThrow(InvalidArgumentError);
    expect(() => miniProgramRecipe({ title: 't' })).toThrow(/appId or the userName/);
    expect(() => miniProgramRecipe({ ...PROGRAM, thumbUrl: '3059020100044a30' })).toThrow(/thumbUrl/);
  });
});

function contact(fields: Partial<Contact>): Contact {
  return {
    userName: '@alice',
    nickName: 'Alice',
    remarkName: '',
    alias: '',
    kind: 'friend',
    sex: 2,
    signature: '',
    province: '广东',
    city: '深圳',
    headImgUrl: '',
    verifyFlag: 0,
    contactFlag: 3,
    starred: false,
    pinned: false,
    muted: false,
    pinyin: { nick: '', nickInitials: '', remark: '', remarkInitials: '' },
    ...fields,
  };
}

function directory(entries: Contact[], stableIds: Record<string, string> = {}): CardDirectory {
  return {
    get: (u) => entries.find((c) => c.userName === u),
    room: (u) => (u.startsWith('@@') ? ({ userName: u, topic: 'Team' } as never) : undefined),
    byStableId: (id) => entries.find((c) => stableIds[c.userName] === id),
    stableIdOf: (u) => stableIds[u],
  };
}

describe('cardRecipe', () => {
  const alice = contact({ nickName: 'Alice & "Co"', signature: '<hi>' });
  const bob = contact({ userName: '@bob', nickName: 'Bob', alias: 'bob_wx' });
  const dir = directory([alice, bob], { '@alice': 'p:wxid_alice', '@bob': 'f:0123456789abcdef' });

  it('builds the MsgType 42 XML of a received card, which the model decodes back', () => {
    const recipe = cardRecipe(dir, '@alice');
    expect(recipe).toMatchObject({ build: 'card', kind: 'card' });
    expect(recipe.content?.startsWith('<?xml version="1.0"?>\n<msg bigheadimgurl=""')).toBe(true);
    const m = received(recipe);
    if (m.kind !== 'card') throw new Error(`decoded as ${m.kind}`);
    expect(m.card).toMatchObject({
      id: 'wxid_alice',
      nickName: 'Alice & "Co"',
      signature: '<hi>',
      province: '广东',
      city: '深圳',
      sex: 2,
      scene: 17,
      isOfficial: false,
    });
  });

  it('names the contact by permanent id, else alias, else UserName; by UserName, stable id or Contact', () => {
    expect(received(cardRecipe(dir, '@bob'))).toMatchObject({ card: { id: 'bob_wx', alias: 'bob_wx' } });
    expect(received(cardRecipe(dir, 'f:0123456789abcdef'))).toMatchObject({ card: { id: 'bob_wx' } });
    const carol = contact({ userName: '@carol', nickName: 'Carol', kind: 'official' });
    expect(received(cardRecipe(dir, carol))).toMatchObject({ card: { id: '@carol', isOfficial: true } });
  });

  it('goes to webwxsendmsg with Type 42', () => {
    const { url, msg } = requestOf(cardRecipe(dir, '@alice'));
    expect(url).toContain('/webwxsendmsg?');
    expect(msg.Type).toBe(42);
    expect(msg.Content).toContain('username="wxid_alice"');
  });

  it('refuses rooms, unknown names and non-contacts', () => {
    expect(() => cardRecipe(dir, '@@room')).toThrow(/group/);
    expect(() => cardRecipe(dir, '@nobody')).toThrow(/no contact/);
    expect(() => cardRecipe(dir, '')).toThrow(InvalidArgumentError);
    expect(() => cardRecipe(dir, { nickName: 'x' } as never)).toThrow(InvalidArgumentError);
  });
});

describe('forwarding a received card', () => {
  it('goes back to webwxsendmsg as Type 42, Scene 2, with the card XML without the group prefix', () => {
    const card = cardRecipe(directory([contact({})], { '@alice': 'p:wxid_alice' }), '@alice');
    const message = received(card, {
      FromUserName: '@@room',
      Content: `@member:<br/>${wireXml(card.content ?? '')}`,
    });
    const recipe = forwardRecipe(message, false);
    expect(recipe).toMatchObject({ build: 'card', kind: 'card', scene: 2 });
    expect(recipe.content).toBe(card.content);
    const spec = buildRecipeRequest(testSession().context(), recipe, {
      deviceId: 'e1',
      from: '@me',
      to: '@bob',
      clientMsgId: '1',
    });
    const body =
      spec.body?.kind === 'json' ? (spec.body.value as { Msg: { Type: number }; Scene: number }) : undefined;
    expect(spec.url).toContain('/webwxsendmsg?');
    expect([body?.Msg.Type, body?.Scene]).toEqual([42, 2]);
    expect(() => assertServable('filehelper', 'forward', recipe, 'filehelper')).toThrow(NotAvailableError);
  });
});

describe('the File Transfer web', () => {
  it('refuses music, mini programs and cards, a re-send too', () => {
    for (const feature of ['sendMusic', 'sendMiniProgram', 'sendContactCard'] as const) {
      expect(refusalOf('filehelper', feature)).toBeDefined();
      expect(refusalOf('web', feature)).toBeUndefined();
    }
    const card = cardRecipe(directory([contact({})]), '@alice');
    for (const recipe of [musicRecipe(MUSIC, false), miniProgramRecipe(PROGRAM), card]) {
      expect(() => assertServable('filehelper', 'resend', recipe, 'filehelper')).toThrow(NotAvailableError);
      expect(() => assertServable('web', 'resend', recipe, '@bob')).not.toThrow();
    }
  });
});

describe('shares through the outbox', () => {
  it('a card and a mini program are logged, go out in call order, and are re-sent after a crash with their ClientMsgId', async () => {
    const store = new MemoryStore();
    const first = heldOutbox({ store });
    const card = cardRecipe(directory([contact({})], { '@alice': 'p:wxid_alice' }), '@alice');
    const program = miniProgramRecipe(PROGRAM);
    const c0 = first.outbox.enqueue('@bob', card, { method: 'sendContactCard' });
    const p0 = first.outbox.enqueue('@bob', program, { method: 'sendMiniProgram' });
    await settle();
    // One at a time in one chat: the card first, the mini program waits for it.
    expect(first.held.map((h) => [h.endpoint, h.msg.Type])).toEqual([['webwxsendmsg', 42]]);
    first.held[0]!.ok();
    await settle();
    expect(first.held.map((h) => [h.endpoint, h.msg.Type]).slice(1)).toEqual([['webwxsendappmsg', 33]]);
    const programLocalId = first.held[1]!.msg.ClientMsgId;
    expect((await c0).kind).toBe('card');
    // A crash before the mini program was answered: it stays pending in the log, as JSON.
    first.fake.controller.abort(new Error('crash'));
    await p0.catch(() => {});
    const pending = await store.pendingOutgoing();
    expect(pending.map((m) => m.kind)).toEqual(['app']);
    expect(storedSend(pending[0]!)?.recipe).toEqual(program);

    const second = heldOutbox({ store });
    const resent = resendPending(second.outbox, store);
    await settle();
    await settle();
    expect(second.held.map((h) => [h.endpoint, h.msg.Type, h.msg.ClientMsgId])).toEqual([
      ['webwxsendappmsg', 33, programLocalId],
    ]);
    expect(second.held[0]!.msg.Content).toBe(program.content);
    second.held[0]!.ok();
    expect(await resent).toBe(1);
    expect(await store.pendingOutgoing()).toEqual([]);
  });

  it('a Ret 1 answer fails a share at once (the send policy), without a retry', async () => {
    const o = heldOutbox();
    const sent = o.outbox.enqueue('@bob', musicRecipe(MUSIC, false), { method: 'sendMusic' });
    await settle();
    o.held[0]!.ret(1);
    await expect(sent).rejects.toBeInstanceOf(ProtocolError);
    await settle();
    expect(o.held).toHaveLength(1);
  });
});
