/**
 * Which account a phone API request acts as (docs/emulator.md "Several accounts"): the query parameter
 * `?account=<stable id>` on any `/__phone/…` route; without it, the first account. An unknown account
 * answers 404 with `field: "account"`.
 */
import { phoneJson } from '../phone-json.js';
import type { EmulatorContext } from '../route-context.js';
import type { EmuRequest, Reply } from '../served-request.js';

/** The query parameter that names the account. */
export const ACCOUNT_PARAM = 'account';

/** The account's value for the request, or the reply refusing an unknown account. */
export type Picked<T> = { ok: true; value: T; account: EmulatorContext } | { ok: false; reply: Reply };

/**
 * A per-account value (made on first use, then kept) for each request: `make` builds it from the
 * account's context.
 */
export function perAccount<T>(
  ctx: EmulatorContext,
  make: (account: EmulatorContext) => T,
): (req: EmuRequest) => Picked<T> {
  const made = new Map<string, T>();
  return (req) => {
    const id = req.queryParam(ACCOUNT_PARAM);
    const account = id === undefined || id === '' ? (ctx.accounts.all[0] ?? ctx) : ctx.accounts.byId(id);
    if (account === undefined) {
      const known = ctx.accounts.all.map((a) => a.accountId).join(', ');
      return {
        ok: false,
        reply: phoneJson(404, {
          error: `unknown account "${id}" (accounts: ${known})`,
          field: ACCOUNT_PARAM,
        }),
      };
    }
    let value = made.get(account.accountId);
    if (value === undefined) {
      value = make(account);
      made.set(account.accountId, value);
    }
    return { ok: true, value, account };
  };
}
