/**
 * Pacing (`ClientOptions.pacing`, docs/sessions.md): a token bucket for the account (`burst` sends at
 * once, `perSecond` on average) and an optional least spacing between two sends to one chat. Pure
 * state over an injected clock: the outbox asks how long a send must wait and takes a token when it
 * goes.
 */

/** Pacing with every field set, as the client resolves its `pacing` option (see DEFAULT_PACING). */
export interface ResolvedPacing {
  perSecond: number;
  burst: number;
  perChatMs: number;
}

export class Pacer {
  readonly #pacing: ResolvedPacing | false;
  readonly #now: () => number;
  #tokens: number;
  #refilledAt: number;
  /** Chat → when its last send went (only with perChatMs > 0; pruned as it grows). */
  readonly #lastByChat = new Map<string, number>();

  constructor(pacing: ResolvedPacing | false, now: () => number) {
    this.#pacing = pacing;
    this.#now = now;
    this.#tokens = pacing ? pacing.burst : 0;
    this.#refilledAt = now();
  }

  get enabled(): boolean {
    return this.#pacing !== false;
  }

  /** Milliseconds until the account may send anything (0: now). */
  accountDelay(): number {
    const pacing = this.#pacing;
    if (!pacing) return 0;
    this.#refill(pacing);
    if (this.#tokens >= 1) return 0;
    return Math.ceil(((1 - this.#tokens) * 1000) / pacing.perSecond);
  }

  /** Milliseconds until a send to `chat` may go (0: now): the account's wait and the chat's spacing. */
  delayFor(chat: string): number {
    const pacing = this.#pacing;
    if (!pacing) return 0;
    const account = this.accountDelay();
    if (pacing.perChatMs <= 0) return account;
    const last = this.#lastByChat.get(chat);
    const chatWait = last === undefined ? 0 : Math.max(0, last + pacing.perChatMs - this.#now());
    return Math.max(account, chatWait);
  }

  /** A send to `chat` goes now: it takes a token (call only when delayFor(chat) is 0). */
  take(chat: string): void {
    const pacing = this.#pacing;
    if (!pacing) return;
    this.#refill(pacing);
    this.#tokens -= 1;
    if (pacing.perChatMs > 0) {
      const now = this.#now();
      this.#lastByChat.set(chat, now);
      if (this.#lastByChat.size > 4096) {
        for (const [name, at] of this.#lastByChat)
          if (at + pacing.perChatMs <= now) this.#lastByChat.delete(name);
      }
    }
  }

  #refill(pacing: ResolvedPacing): void {
    const now = this.#now();
    const elapsed = now - this.#refilledAt;
    if (elapsed <= 0) return;
    this.#tokens = Math.min(pacing.burst, this.#tokens + (elapsed * pacing.perSecond) / 1000);
    this.#refilledAt = now;
  }
}
