/**
 * A client whose sends are counted against the account's daily budget (send-budget.ts): the send
 * methods charge the budget first, so a send past the limit throws SendBudgetError before it reaches
 * the outbox; everything else is the client itself.
 */
import type { WebWxClient } from '../client/index.js';
import type { SendBudget } from './send-budget.js';

/** The client methods that send a message, each counted once. */
export const BUDGETED_METHODS = [
  'sendText',
  'sendImage',
  'sendFile',
  'sendLink',
  'sendMusic',
  'sendMiniProgram',
  'sendContactCard',
  'sendVideo',
  'sendEmoticon',
  'forward',
] as const satisfies readonly (keyof WebWxClient)[];

const budgeted = new Set<PropertyKey>(BUDGETED_METHODS);

/** Hooks around a budgeted send. */
export interface BudgetHooks {
  /** A send the server accepted. */
  sent?: () => void;
  /** A send the budget refused. */
  refused?: () => void;
}

/** `client` with its sends charged to `budget` (the same object underneath: state, events, contacts). */
export function budgetedClient(
  client: WebWxClient,
  budget: SendBudget,
  hooks: BudgetHooks = {},
): WebWxClient {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      let bound = wrapped.get(property);
      if (bound === undefined) {
        const method = value as (...args: unknown[]) => unknown;
        bound = budgeted.has(property)
          ? async (...args: unknown[]) => {
              try {
                budget.charge();
              } catch (error) {
                hooks.refused?.();
                throw error;
              }
              const result = await method.apply(target, args);
              hooks.sent?.();
              return result;
            }
          : method.bind(target);
        wrapped.set(property, bound);
      }
      return bound;
    },
  });
}
