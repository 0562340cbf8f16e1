/**
 * The phone's HTTP API under /__phone/ (JSON in and out), for driving the emulator from outside the
 * process (curl examples in docs/emulator.md). Faults never apply here.
 */

import type { Faults } from '../faults.js';
import { fileHelperInputFromJson } from '../filehelper-chat.js';
import type { EmulatorPhone } from '../phone.js';
import { FieldError, phoneJson as json, type Knob, roomView } from '../phone-json.js';
import { knobArgs, phoneKnobs } from '../phone-knobs.js';
import { phoneMessageFromJson } from '../phone-messages.js';
import { phoneOpenApi } from '../phone-openapi.js';
import type { EmulatorContext } from '../route-context.js';
import type { EmuRequest, Reply, Router } from '../served-request.js';
import { perAccount } from './phone-account.js';
import { registerPhoneMediaRoutes } from './phone-media-routes.js';
import { registerPhonePageRoutes } from './phone-page-routes.js';

/** `GET /__phone/accounts`: every account's stable id, nickname and sessions (active ones counted). */
function accountsView(ctx: EmulatorContext): unknown {
  return ctx.accounts.all.map((a) => ({
    id: a.accountId,
    nickName: a.world.self.nickName,
    uin: a.world.self.uin,
    activeSessions: a.sessions.active().length,
  }));
}

function worldView(ctx: EmulatorContext): unknown {
  const { world } = ctx;
  return {
    self: world.self,
    contacts: world.contacts.map((c) => ({ ...c })),
    rooms: world.rooms.map(roomView),
    recent: world.recent,
  };
}

function handle(ctx: EmulatorContext, phone: EmulatorPhone, req: EmuRequest): Reply {
  if (req.method === 'GET' && req.path === '/__phone/accounts') return json(200, accountsView(ctx));
  if (req.bodyText.trim() !== '' && req.json() === undefined)
    return json(400, { error: 'the body is not JSON' });
  const parts = req.path.slice('/__phone/'.length).split('/').filter(Boolean).map(decodeURIComponent);
  const body = (req.json() ?? {}) as Record<string, unknown>;
  const route = `${req.method} ${parts[0] ?? ''}`;
  switch (route) {
    case 'GET qr':
      return json(200, phone.qrCodes());
    case 'POST qr': {
      const [, uuid, action] = parts;
      if (uuid === undefined || action === undefined)
        return json(404, { error: 'POST /__phone/qr/<uuid>/<action>' });
      const actions: Record<string, (u: string) => void> = {
        scan: (u) => phone.scan(u),
        confirm: (u) => phone.confirm(u),
        cancel: (u) => phone.cancel(u),
        expire: (u) => phone.expire(u),
      };
      const act = actions[action];
      if (act === undefined) return json(404, { error: `unknown action "${action}"` });
      if (ctx.qrs.get(uuid) === undefined) return json(404, { error: `unknown QR uuid "${uuid}"` });
      act(uuid);
      return json(
        200,
        phone.qrCodes().find((q) => q.uuid === uuid),
      );
    }
    case 'POST send': {
      if (typeof body.from !== 'string' || typeof body.text !== 'string') {
        return json(400, { error: 'body must be {"from": string, "text": string, "room"?: string}' });
      }
      const input = {
        from: body.from,
        text: body.text,
        ...(typeof body.room === 'string' ? { room: body.room } : {}),
      };
      return json(200, phone.sendText(input));
    }
    case 'POST message':
      return json(200, phone.sendMessage(phoneMessageFromJson(req.json())));
    case 'GET sent':
      return json(200, phone.sent());
    case 'GET statusnotify':
      return json(200, phone.statusNotifications());
    case 'POST logout': {
      const code = body.code ?? 1100;
      if (code !== 1100 && code !== 1101 && code !== 1102)
        return json(400, { error: 'code must be 1100, 1101 or 1102' });
      phone.logout(code);
      return json(200, phone.sessions());
    }
    case 'GET sessions':
      return json(200, phone.sessions());
    case 'GET world':
      return json(200, worldView(ctx));
    default:
      return json(404, { error: `no phone endpoint ${route}` });
  }
}

/**
 * `POST /__phone/filehelper`: phone.writeToFileHelper() with the bytes as base64 in the JSON body
 * (Content-Type and size are checked before, by request-guard.ts, as for every phone route).
 */
async function writeToFileHelper(phone: EmulatorPhone, req: EmuRequest): Promise<Reply> {
  const body = req.json();
  if (body === undefined) return json(400, { error: 'the body is not JSON' });
  try {
    return json(200, await phone.writeToFileHelper(fileHelperInputFromJson(body)));
  } catch (err) {
    return json(400, { error: (err as Error).message });
  }
}

/** A knob's call: its arguments checked, then run; errors answer 400 naming the field. */
function runKnob(knob: Knob, req: EmuRequest): Reply {
  try {
    const args = knob.method === 'GET' ? {} : knobArgs(knob, req.json());
    return json(200, knob.run(args));
  } catch (err) {
    if (err instanceof FieldError) return json(400, { error: err.message, field: err.field });
    return json(400, { error: (err as Error).message });
  }
}

/**
 * The phone API; every route acts as the account `?account=<stable id>` names (phone-account.ts),
 * the first account without it. `phones` are the accounts' phones by stable id.
 */
export function registerPhoneRoutes(
  router: Router,
  ctx: EmulatorContext,
  phones: ReadonlyMap<string, EmulatorPhone>,
  faults: Faults,
): void {
  registerPhoneMediaRoutes(router, ctx);
  registerPhonePageRoutes(router);
  const phoneOf = (account: EmulatorContext) => phones.get(account.accountId)!;
  const knobsOf = perAccount(ctx, (account) => phoneKnobs(account, phoneOf(account), faults));
  const pickPhone = perAccount(ctx, phoneOf);
  const knobs = phoneKnobs(ctx, phoneOf(ctx), faults);
  knobs.forEach((knob, i) => {
    router.path(`/__phone/${knob.name}`, {
      methods: [knob.method],
      handler: (req) => {
        if (req.bodyText.trim() !== '' && req.json() === undefined)
          return json(400, { error: 'the body is not JSON' });
        const picked = knobsOf(req);
        return picked.ok ? runKnob(picked.value[i]!, req) : picked.reply;
      },
    });
  });
  const openApi = phoneOpenApi(knobs);
  router.path('/__phone/openapi.json', { methods: ['GET'], handler: () => json(200, openApi) });
  router.path('/__phone/filehelper', {
    methods: ['POST'],
    handler: (req) => {
      const picked = pickPhone(req);
      return picked.ok ? writeToFileHelper(picked.value, req) : picked.reply;
    },
  });
  router.prefix('/__phone/', {
    methods: ['GET', 'POST'],
    handler: (req) => {
      const picked = pickPhone(req);
      if (!picked.ok) return picked.reply;
      try {
        return handle(picked.account, picked.value, req);
      } catch (err) {
        return json(400, { error: (err as Error).message });
      }
    },
  });
}
