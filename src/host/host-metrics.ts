/**
 * Prometheus metrics of a host (docs/host.md "Metrics"), on a registry of its own (never
 * prom-client's global one), every series labelled `account`: state, webwxsync round trip, messages
 * in and out, Ret 1205 answers, re-logins, watchdog reconnects, outbox depth and the send budget.
 * `webwx serve` uses it too, with its one account.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { WebWxClient } from '../client/index.js';
import type { AccountHost } from './account-host.js';
import type { BudgetHooks } from './budgeted-client.js';
import type { AccountSummary } from './hosted-account.js';

/** What the metrics read at scrape time: each account's state, outbox depth and budget. */
export type AccountsSource = () => Pick<AccountSummary, 'id' | 'state' | 'outboxDepth' | 'budget'>[];

/** The states `webwx_account_state` has a series for. */
export const ACCOUNT_STATES = [
  'idle',
  'waiting-for-scan',
  'scanned',
  'logging-in',
  'loading',
  'ready',
  'logged-out',
  'stopped',
  'failed',
] as const;

/** The metrics of one host (or one `webwx serve`). */
export class HostMetrics {
  /** The host's own registry. */
  readonly registry = new Registry();
  readonly #received: Counter<'account'>;
  readonly #sent: Counter<'account'>;
  readonly #refused: Counter<'account'>;
  readonly #rateLimited: Counter<'account'>;
  readonly #relogins: Counter<'account'>;
  readonly #stalls: Counter<'account'>;
  readonly #syncSeconds: Histogram<'account'>;

  constructor(source: AccountsSource) {
    const registers = [this.registry];
    const counter = (name: string, help: string) =>
      new Counter({ name, help, labelNames: ['account'], registers });
    this.#received = counter('webwx_messages_received_total', 'Messages received from others.');
    this.#sent = counter('webwx_messages_sent_total', 'Sends the server accepted.');
    this.#refused = counter('webwx_sends_refused_total', 'Sends refused by the daily send budget.');
    this.#rateLimited = counter('webwx_rate_limited_total', 'Ret 1205 (rate limited) answers to sends.');
    this.#relogins = counter('webwx_relogins_total', 'Logins again after the server ended the session.');
    this.#stalls = counter(
      'webwx_sync_watchdog_reconnects_total',
      'Sync loops found quiet past the long poll and reconnected.',
    );
    this.#syncSeconds = new Histogram({
      name: 'webwx_sync_round_trip_seconds',
      help: 'webwxsync round trip, request to parsed reply.',
      labelNames: ['account'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    const state = new Gauge({
      name: 'webwx_account_state',
      help: '1 for the state each account is in, 0 for the others.',
      labelNames: ['account', 'state'],
      registers,
      collect() {
        this.reset();
        for (const a of source())
          for (const s of ACCOUNT_STATES) this.set({ account: a.id, state: s }, s === a.state ? 1 : 0);
      },
    });
    const depth = new Gauge({
      name: 'webwx_outbox_depth',
      help: 'Sends queued or in flight in the outbox.',
      labelNames: ['account'],
      registers,
      collect() {
        this.reset();
        for (const a of source()) this.set({ account: a.id }, a.outboxDepth);
      },
    });
    const used = new Gauge({
      name: 'webwx_send_budget_used',
      help: 'Sends counted against the daily budget today (UTC).',
      labelNames: ['account'],
      registers,
      collect() {
        this.reset();
        for (const a of source()) this.set({ account: a.id }, a.budget.used);
      },
    });
    const limit = new Gauge({
      name: 'webwx_send_budget_limit',
      help: 'The daily send budget (accounts with one).',
      labelNames: ['account'],
      registers,
      collect() {
        this.reset();
        for (const a of source())
          if (a.budget.limit !== undefined) this.set({ account: a.id }, a.budget.limit);
      },
    });
    void [state, depth, used, limit];
  }

  /** Counts a client's events under `account`; returns the function that stops counting. */
  watch(account: string, client: WebWxClient): () => void {
    const labels = { account };
    this.#received.inc(labels, 0);
    this.#sent.inc(labels, 0);
    this.#rateLimited.inc(labels, 0);
    this.#relogins.inc(labels, 0);
    this.#stalls.inc(labels, 0);
    const offs = [
      client.on('message', (m) => {
        if (!m.isSelf) this.#received.inc(labels);
      }),
      client.on('send-retry', ({ ret }) => {
        if (ret === undefined || ret === 1205) this.#rateLimited.inc(labels);
      }),
      client.on('relogin', () => this.#relogins.inc(labels)),
      client.on('sync-stalled', () => this.#stalls.inc(labels)),
      client.on('sync-round', ({ ms }) => this.#syncSeconds.observe(labels, ms / 1000)),
    ];
    return () => {
      for (const off of offs) off();
    };
  }

  /** The hooks that count an account's sends and budget refusals. */
  sendHooks(account: string): BudgetHooks {
    const labels = { account };
    return { sent: () => this.#sent.inc(labels), refused: () => this.#refused.inc(labels) };
  }

  /**
   * Counts every account of `host`: each new client is watched (the previous one of the account no
   * longer), a removed account's series go. Returns the function that stops it.
   */
  attach(host: AccountHost): () => void {
    const watching = new Map<string, () => void>();
    const offs = [
      host.on('account-client', ({ id, client }) => {
        watching.get(id)?.();
        watching.set(id, this.watch(id, client));
      }),
      host.on('account-removed', ({ id }) => {
        watching.get(id)?.();
        watching.delete(id);
        this.forget(id);
      }),
    ];
    for (const account of host.accounts()) {
      if (account.client) watching.set(account.id, this.watch(account.id, account.client));
    }
    return () => {
      for (const off of offs) off();
      for (const off of watching.values()) off();
      watching.clear();
    };
  }

  /** Drops an account's series (it was removed). */
  forget(account: string): void {
    const labels = { account };
    for (const m of [
      this.#received,
      this.#sent,
      this.#refused,
      this.#rateLimited,
      this.#relogins,
      this.#stalls,
    ]) {
      m.remove(labels);
    }
    this.#syncSeconds.remove(labels);
  }

  /** The exposition text and its content type, for GET /metrics. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
