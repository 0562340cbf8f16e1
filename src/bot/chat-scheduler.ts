/**
 * Runs tasks keyed by chat: the tasks of one chat run one after another, in arrival order; tasks of
 * different chats run concurrently, at most `concurrency` at a time. A chat waiting for a slot keeps
 * its place in line (first come, first served across chats).
 */
import { InvalidArgumentError } from '../errors.js';
import { QueueFullError } from './bot-errors.js';

/** Options of `new ChatScheduler(options)`. */
export interface ChatSchedulerOptions {
  /** Chats handled at the same time. Default 8. */
  concurrency?: number;
  /** Most tasks waiting in all chats together; beyond it schedule() rejects. Default 10000. */
  maxPending?: number;
}

interface Task {
  run: () => Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Runs tasks keyed by chat: one chat's tasks one after another in arrival order, different chats'
 * concurrently, at most `concurrency` at a time; a chat waiting for a slot keeps its place in line.
 * The Bot runs its message handling through one.
 */
export class ChatScheduler {
  readonly #concurrency: number;
  readonly #maxPending: number;
  /** Chat → its waiting tasks. A chat is in this map while it has waiting or running tasks. */
  readonly #queues = new Map<string, Task[]>();
  /** Chats with waiting tasks and no running one, in the order they became ready. */
  readonly #ready: string[] = [];
  readonly #active = new Set<string>();
  readonly #idleWaiters: (() => void)[] = [];
  #pending = 0;

  constructor(options: ChatSchedulerOptions = {}) {
    const concurrency = options.concurrency ?? 8;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new InvalidArgumentError('concurrency', 'concurrency must be a positive integer');
    }
    this.#concurrency = concurrency;
    this.#maxPending = options.maxPending ?? 10_000;
  }

  /** Tasks waiting (not yet started). */
  get pending(): number {
    return this.#pending;
  }

  /** Chats with a task running. */
  get running(): number {
    return this.#active.size;
  }

  /** Queues `run` behind the earlier tasks of `chat`; resolves or rejects as it does. */
  schedule(chat: string, run: () => Promise<void>): Promise<void> {
    if (this.#pending >= this.#maxPending) {
      return Promise.reject(
        new QueueFullError(`too many messages waiting (${this.#maxPending})`, this.#maxPending),
      );
    }
    return new Promise<void>((resolve, reject) => {
      let queue = this.#queues.get(chat);
      if (!queue) {
        queue = [];
        this.#queues.set(chat, queue);
      }
      queue.push({ run, resolve, reject });
      this.#pending++;
      if (!this.#active.has(chat) && queue.length === 1) this.#ready.push(chat);
      this.#pump();
    });
  }

  /** Resolves when nothing is running or waiting. */
  idle(): Promise<void> {
    if (this.#queues.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #pump(): void {
    while (this.#active.size < this.#concurrency && this.#ready.length > 0) {
      const chat = this.#ready.shift() as string;
      this.#runNext(chat);
    }
    if (this.#queues.size === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  #runNext(chat: string): void {
    const queue = this.#queues.get(chat);
    const task = queue?.shift();
    if (!queue || !task) return;
    this.#pending--;
    this.#active.add(chat);
    let done: Promise<void>;
    try {
      done = Promise.resolve(task.run());
    } catch (error) {
      done = Promise.reject(error);
    }
    done.then(task.resolve, task.reject).finally(() => {
      this.#active.delete(chat);
      // The chat goes to the back of the line: other chats waiting for a slot go first.
      if (queue.length > 0) this.#ready.push(chat);
      else this.#queues.delete(chat);
      this.#pump();
    });
  }
}
