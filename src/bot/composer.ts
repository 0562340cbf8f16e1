/**
 * Composer: middleware in the style of grammY. A middleware is `(ctx, next) => …`; calling `next()`
 * passes the context on to the middleware installed after it. Every method that installs middleware
 * returns a new Composer for the installed part, so handlers can be chained onto a filter:
 *
 *   bot.on('text').filter(isGroup).hears(/^ping$/i, (ctx) => ctx.reply('pong'));
 *
 * Calling `next()` twice in one middleware is a programming error and throws.
 */
import { InvalidArgumentError, InvalidStateError, WebWxError } from '../errors.js';
import type { MessageKind } from '../model/index.js';
import type { Context } from './context.js';
import { isKind, type KindContext } from './filters.js';

/** Passes the context on to the next middleware; resolves when the rest of the chain is done. */
export type NextFunction = () => Promise<void>;
/** A middleware function: handles `ctx`, and calls `next()` (at most once) to pass it on. */
export type MiddlewareFn<C> = (ctx: C, next: NextFunction) => unknown;
/** An object that provides middleware, such as a {@link Composer} or a {@link Bot}. */
export interface MiddlewareObj<C> {
  /** The middleware function that runs this object's chain. */
  middleware(): MiddlewareFn<C>;
}
/** What the Composer methods install: a middleware function, or an object that provides one. */
export type Middleware<C> = MiddlewareFn<C> | MiddlewareObj<C>;
/**
 * A value, or a promise of it.
 * @inline
 */
type MaybePromise<T> = T | Promise<T>;

/** What an error boundary (and bot.catch) gets: the error and the context it happened in. */
export class HandlerError<C extends Context = Context> extends WebWxError {
  readonly code = 'handler' as const;
  readonly error: unknown;
  readonly ctx: C;
  constructor(error: unknown, ctx: C) {
    super(`a handler failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    this.error = error;
    this.ctx = ctx;
  }
}

/** Handles the errors of an error boundary ({@link Composer.errorBoundary}); may call `next()` to go on. */
export type ErrorHandler<C extends Context> = (error: HandlerError<C>, next: NextFunction) => unknown;

const pass: MiddlewareFn<unknown> = (_ctx, next) => next();

function flatten<C>(mw: Middleware<C>): MiddlewareFn<C> {
  return typeof mw === 'function' ? mw : (ctx, next) => mw.middleware()(ctx, next);
}

/** `first`, whose next() runs `andThen`; next() may be called once. */
function concat<C>(first: MiddlewareFn<C>, andThen: MiddlewareFn<C>): MiddlewareFn<C> {
  return async (ctx, next) => {
    let called = false;
    await first(ctx, async () => {
      if (called) throw new InvalidStateError('next() called more than once');
      called = true;
      await andThen(ctx, next);
    });
  };
}

function compose<C>(middleware: Middleware<C>[]): MiddlewareFn<C> {
  return middleware.length === 0 ? (pass as MiddlewareFn<C>) : middleware.map(flatten).reduce(concat);
}

/** The text a command or trigger is matched against: trimmed, without a leading @-mention in groups. */
export function commandText(ctx: Context): string {
  const text = ctx.message.text.trim();
  if (!ctx.message.chat.isRoom || !text.startsWith('@')) return text;
  // "@小明 /help" or "@小明\u2005/help": drop the mention (WeChat separates it with U+2005 or a space).
  return text.replace(/^@\S+[\s\u2005]+/u, '').trim();
}

const COMMAND_NAME = /^[\p{L}\p{N}_-]{1,64}$/u;

/** The arguments of `/name args` when `text` is that command, else undefined. */
export function parseCommand(text: string, names: readonly string[]): string | undefined {
  if (!text.startsWith('/')) return undefined;
  const match = /^\/([^\s\u2005]+)(?:[\s\u2005]+([\s\S]*))?$/u.exec(text);
  if (!match) return undefined;
  const name = (match[1] ?? '').toLowerCase();
  return names.some((n) => n.toLowerCase() === name) ? (match[2] ?? '').trim() : undefined;
}

/** What `hears()` matches a text against: a RegExp, or a string equal to the whole trimmed text. */
export type Trigger = string | RegExp;

/** A RegExp match of `text` against the triggers (a string must equal the whole trimmed text). */
export function matchTrigger(text: string, triggers: readonly Trigger[]): RegExpMatchArray | undefined {
  for (const trigger of triggers) {
    if (typeof trigger === 'string') {
      if (text.trim() === trigger) {
        const match = [text.trim()] as RegExpMatchArray;
        match.index = 0;
        match.input = text;
        return match;
      }
      continue;
    }
    trigger.lastIndex = 0;
    const match = trigger.exec(text);
    if (match) return match;
  }
  return undefined;
}

/**
 * A middleware chain in the style of grammY: install middleware with `use`, `on`, `hears`, `command`,
 * `filter`…; each call returns a Composer for the installed part, so handlers can be chained onto a
 * filter. A {@link Bot} is a Composer; a Composer can be installed into another as a plugin.
 */
export class Composer<C extends Context = Context> implements MiddlewareObj<C> {
  #handler: MiddlewareFn<C>;

  constructor(...middleware: Middleware<C>[]) {
    this.#handler = compose(middleware);
  }

  /** The whole chain as one middleware function. */
  middleware(): MiddlewareFn<C> {
    return (ctx, next) => this.#handler(ctx, next);
  }

  /** Installs middleware that runs for every message. */
  use(...middleware: Middleware<C>[]): Composer<C> {
    const composer = new Composer<C>(...middleware);
    this.#handler = concat(this.#handler, flatten(composer));
    return composer;
  }

  /** Runs the middleware for messages of the given kind(s); the context's message is narrowed. */
  on<K extends MessageKind>(
    kind: K | readonly K[],
    ...middleware: Middleware<KindContext<C, K>>[]
  ): Composer<KindContext<C, K>> {
    const kinds = (Array.isArray(kind) ? kind : [kind]) as K[];
    return this.filter(isKind(...kinds) as (ctx: C) => ctx is KindContext<C, K>, ...middleware);
  }

  /** Runs the middleware for text messages matching a RegExp (or equal to a string); sets ctx.match. */
  hears(
    trigger: Trigger | readonly Trigger[],
    ...middleware: Middleware<KindContext<C, 'text'>>[]
  ): Composer<KindContext<C, 'text'>> {
    const triggers = (Array.isArray(trigger) ? trigger : [trigger]) as Trigger[];
    return this.on('text').filter(
      (ctx) => {
        const match = matchTrigger(ctx.message.text, triggers);
        if (match) ctx.match = match;
        return match !== undefined;
      },
      ...middleware,
    );
  }

  /** Runs the middleware for `/name args` texts (after a leading @-mention in groups); ctx.match = args. */
  command(
    name: string | readonly string[],
    ...middleware: Middleware<KindContext<C, 'text'>>[]
  ): Composer<KindContext<C, 'text'>> {
    const names = (Array.isArray(name) ? name : [name]) as string[];
    for (const n of names) {
      if (!COMMAND_NAME.test(n))
        throw new InvalidArgumentError('command', `not a command name: ${JSON.stringify(n)}`);
    }
    return this.on('text').filter(
      (ctx) => {
        const args = parseCommand(commandText(ctx), names);
        if (args !== undefined) ctx.match = args;
        return args !== undefined;
      },
      ...middleware,
    );
  }

  /** Runs the middleware when the predicate holds; a type guard narrows the context. */
  filter<D extends C>(predicate: (ctx: C) => ctx is D, ...middleware: Middleware<D>[]): Composer<D>;
  filter(predicate: (ctx: C) => MaybePromise<boolean>, ...middleware: Middleware<C>[]): Composer<C>;
  filter(predicate: (ctx: C) => MaybePromise<boolean>, ...middleware: Middleware<C>[]): Composer<C> {
    const composer = new Composer<C>(...middleware);
    this.branch(predicate, composer, pass as MiddlewareFn<C>);
    return composer;
  }

  /** Runs the middleware when the predicate does not hold. */
  drop(predicate: (ctx: C) => MaybePromise<boolean>, ...middleware: Middleware<C>[]): Composer<C> {
    return this.filter(async (ctx) => !(await predicate(ctx)), ...middleware);
  }

  /** One of two middleware, by the predicate. */
  branch(
    predicate: (ctx: C) => MaybePromise<boolean>,
    whenTrue: Middleware<C>,
    whenFalse: Middleware<C>,
  ): Composer<C> {
    const yes = flatten(whenTrue);
    const no = flatten(whenFalse);
    return this.use(async (ctx, next) => ((await predicate(ctx)) ? yes(ctx, next) : no(ctx, next)));
  }

  /**
   * Errors thrown by the middleware inside the boundary go to `handler` (which may call next() to go
   * on). Errors of the middleware after the boundary, reached through next(), pass through untouched.
   */
  errorBoundary(handler: ErrorHandler<C>, ...middleware: Middleware<C>[]): Composer<C> {
    const composer = new Composer<C>(...middleware);
    const inner = flatten(composer);
    this.use(async (ctx, next) => {
      let nextCalled = false;
      let nextFailed = false;
      const guardedNext: NextFunction = async () => {
        nextCalled = true;
        try {
          await next();
        } catch (error) {
          nextFailed = true;
          throw error;
        }
      };
      try {
        await inner(ctx, guardedNext);
      } catch (error) {
        if (nextFailed) throw error;
        await handler(new HandlerError(error, ctx), nextCalled ? async () => {} : next);
      }
    });
    return composer;
  }
}

/** Runs a middleware chain to its end (next() of the last one is a no-op). */
export async function run<C>(middleware: MiddlewareFn<C>, ctx: C): Promise<void> {
  await middleware(ctx, async () => {});
}
