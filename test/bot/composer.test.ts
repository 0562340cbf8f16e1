import { describe, expect, it } from 'vitest';
import { createBotActions } from '../../src/bot/bot.js';
import { Composer, type HandlerError, matchTrigger, parseCommand, run } from '../../src/bot/composer.js';
import { Context } from '../../src/bot/context.js';
import { isGroup, isKind, isOfficial, isPrivate, mentionsSelf } from '../../src/bot/filters.js';
import { SendQueue } from '../../src/bot/send-queue.js';
import { InvalidArgumentError, InvalidStateError } from '../../src/errors.js';
import type { Message } from '../../src/model/index.js';
import { contact, fakeClient, room, textMessage } from './fakes.js';

const client = fakeClient({
  contacts: [contact('@alice', 'Alice'), contact('@news', 'News', 'official')],
  rooms: [room('@@hike', 'Hiking')],
});
const actions = createBotActions(client, new SendQueue({ minIntervalMs: 0 }));
const ctxOf = (message: Message) => new Context(message, client, actions);

async function runOn(composer: Composer, message: Message): Promise<Context> {
  const ctx = ctxOf(message);
  await run(composer.middleware(), ctx);
  return ctx;
}

describe('Composer', () => {
  it('runs middleware in order, each reaching the next through next()', async () => {
    const log: string[] = [];
    const c = new Composer();
    c.use(async (_ctx, next) => {
      log.push('a1');
      await next();
      log.push('a2');
    });
    c.use(async (_ctx, next) => {
      log.push('b');
      await next();
    });
    c.use(() => {
      log.push('c');
    });
    c.use(() => {
      log.push('never: c did not call next');
    });
    await runOn(c, textMessage('x'));
    expect(log).toEqual(['a1', 'b', 'c', 'a2']);
  });

  it('middleware added later to a returned composer still runs (composers are live)', async () => {
    const log: string[] = [];
    const c = new Composer();
    const texts = c.on('text');
    c.use(() => {
      log.push('after');
    });
    texts.use(async (_ctx, next) => {
      log.push('text');
      await next();
    });
    await runOn(c, textMessage('x'));
    expect(log).toEqual(['text', 'after']);
  });

  it('throws when next() is called twice', async () => {
    const c = new Composer();
    let downstream = 0;
    c.use(async (_ctx, next) => {
      await next();
      await next();
    });
    c.use(() => {
      downstream++;
    });
    const twice = runOn(c, textMessage('x'));
    await expect(twice).rejects.toThrow('next() called more than once');
    await expect(twice).rejects.toBeInstanceOf(InvalidStateError);
    expect(downstream).toBe(1);
  });

  it('on(kind) runs only for that kind and passes others on', async () => {
    const seen: string[] = [];
    const c = new Composer();
    c.on('image', () => {
      seen.push('image');
    });
    c.on(['text', 'unknown'], (ctx, next) => {
      seen.push(`text:${ctx.message.text}`);
      return next();
    });
    await runOn(c, textMessage('hi'));
    expect(seen).toEqual(['text:hi']);
  });

  it('hears() matches a RegExp or a whole string and sets ctx.match', async () => {
    const c = new Composer();
    const got: unknown[] = [];
    c.hears(/^price (\w+)$/i, (ctx) => {
      got.push(ctx.match?.[1]);
    });
    c.hears('ping', (ctx) => {
      got.push(ctx.match?.[0]);
    });
    await runOn(c, textMessage('PRICE apples'));
    await runOn(c, textMessage(' ping '));
    await runOn(c, textMessage('ping pong'));
    expect(got).toEqual(['apples', 'ping']);
    expect(matchTrigger('abc', [/b/g])?.[0]).toBe('b');
    expect(matchTrigger('abc', [/b/g])?.[0]).toBe('b'); // lastIndex of a /g RegExp is reset
  });

  it('command() matches /name with arguments, also after an @-mention in groups', async () => {
    const c = new Composer();
    const got: unknown[] = [];
    c.command(['help', 'h'], (ctx) => {
      got.push(ctx.match);
    });
    await runOn(c, textMessage('/help me please'));
    await runOn(c, textMessage('/H'));
    await runOn(c, textMessage('@Me\u2005/help group', { chat: '@@hike', sender: '@alice' }));
    await runOn(c, textMessage('/helpless'));
    await runOn(c, textMessage('say /help'));
    expect(got).toEqual(['me please', '', 'group']);
    expect(parseCommand('/start', ['start'])).toBe('');
    expect(() => c.command('bad name', () => {})).toThrow(InvalidArgumentError);
  });

  it('filter() narrows with type guards; drop() and branch() choose', async () => {
    const log: string[] = [];
    const c = new Composer();
    c.filter(isGroup, (ctx, next) => {
      const t: 'group' = ctx.chatType;
      log.push(t);
      return next();
    });
    c.filter(isPrivate, (_ctx, next) => {
      log.push('private');
      return next();
    });
    c.filter(isOfficial, (_ctx, next) => {
      log.push('official');
      return next();
    });
    c.drop(mentionsSelf, (_ctx, next) => {
      log.push('not mentioned');
      return next();
    });
    c.branch(
      async (ctx) => ctx.text.length > 3,
      () => {
        log.push('long');
      },
      () => {
        log.push('short');
      },
    );
    await runOn(c, textMessage('hello', { chat: '@@hike', sender: '@alice', mentionsSelf: true }));
    await runOn(c, textMessage('hi', { chat: '@alice' }));
    await runOn(c, textMessage('news!', { chat: '@news' }));
    expect(log).toEqual([
      'group',
      'long',
      'private',
      'not mentioned',
      'short',
      'official',
      'not mentioned',
      'long',
    ]);
    expect(isKind('text', 'image')(ctxOf(textMessage('x')))).toBe(true);
    expect(isKind('image')(ctxOf(textMessage('x')))).toBe(false);
  });

  it('errorBoundary catches errors inside it, not those of middleware after it', async () => {
    const caught: HandlerError[] = [];
    const c = new Composer();
    c.errorBoundary(
      (error) => {
        caught.push(error);
      },
      () => {
        throw new Error('inside');
      },
    );
    await runOn(c, textMessage('x'));
    expect(caught.map((e) => (e.error as Error).message)).toEqual(['inside']);
    expect(caught[0]?.ctx.text).toBe('x');

    const outer = new Composer();
    outer.errorBoundary(
      (error) => {
        caught.push(error);
      },
      (_ctx, next) => next(),
    );
    outer.use(() => {
      throw new Error('after the boundary');
    });
    await expect(runOn(outer, textMessage('y'))).rejects.toThrow('after the boundary');
    expect(caught).toHaveLength(1);
  });

  it("an error boundary's handler may go on with next()", async () => {
    const log: string[] = [];
    const c = new Composer();
    c.errorBoundary(
      (_error, next) => next(),
      () => {
        throw new Error('boom');
      },
    );
    c.use(() => {
      log.push('went on');
    });
    await runOn(c, textMessage('x'));
    expect(log).toEqual(['went on']);
  });

  it('a Context replies to its own chat', async () => {
    const ctx = ctxOf(textMessage('x', { chat: '@@hike', sender: '@alice' }));
    await ctx.reply('pong');
    expect(client.sent.at(-1)).toEqual({ to: '@@hike', text: 'pong' });
    expect(ctx.chatName).toBe('Hiking');
    expect(ctxOf(textMessage('x', { chat: '@alice' })).chatName).toBe('Alice');
  });
});

describe('messageToJson', () => {
  it('carries names, chat type and the kind-specific fields, never the raw entry', async () => {
    const { messageToJson } = await import('../../src/bot/message-json.js');
    const image = {
      ...textMessage('', { chat: '@@hike', sender: '@alice' }),
      kind: 'image',
      media: {
        msgId: '1',
        mediaId: '',
        fileName: 'a.jpg',
        fileSize: 3,
        md5: '',
        attachId: '',
        encryFileName: '',
        aesKey: '',
      },
    } as unknown as Message;
    const json = messageToJson(image, client);
    expect(json).toMatchObject({
      kind: 'image',
      chat: { name: 'Hiking', type: 'group' },
      sender: { name: 'Alice' },
      details: { media: { fileName: 'a.jpg' } },
    });
    expect(JSON.stringify(json)).not.toContain('"raw"');
  });
});
