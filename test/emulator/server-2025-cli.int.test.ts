/** `webwx emulator --refuse-login non-uos --session-expiry 1s`: the 2025 server from the command line. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../cli/cli-harness.js';
import {
  API,
  Browser,
  init,
  jslogin,
  loggedIn,
  type Raw,
  type SyncKeyObj,
  sync,
  syncCheck,
} from './helpers.js';

const UOS = { extspam: 'Go8FCIkFEokFCggwMDAwMDAwMRAG', 'client-version': '2.0.0' };

/** A QR login driven through the phone API; the login page fetched with `headers`. */
async function loginPage(base: string, headers: Record<string, string>): Promise<{ b: Browser; page: Raw }> {
  const b = new Browser(base);
  const uuid = encodeURIComponent(await jslogin(b));
  for (const action of ['scan', 'confirm'])
    expect((await fetch(`${base}/__phone/qr/${uuid}/${action}`, { method: 'POST' })).status).toBe(200);
  const poll = await b.get(`${API}/login?uuid=${uuid}&tip=0`);
  return { b, page: await b.get(/redirect_uri="([^"]+)"/.exec(poll.text)![1]!, { headers }) };
}

describe('webwx emulator: the 2025 server’s flags', () => {
  it('--refuse-login non-uos refuses a login without the UOS headers; --session-expiry 1s ends a session with 1102', async () => {
    const run = runCli(['emulator', '--refuse-login', 'non-uos', '--session-expiry', '1s']);
    await run.waitForOutput('Press Ctrl-C');
    const base = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(run.stdout())![1]!;
    const refused = await loginPage(base, {});
    expect(refused.page.text).toMatch(/^<error><ret>1203<\/ret><message>为了你的帐号安全/);
    const ok = await loginPage(base, UOS);
    expect(ok.page.status).toBe(301);
    const li = loggedIn(ok.b, '', ok.page, '');
    const key = (await sync(li, (await init(li)).SyncKey as SyncKeyObj)).SyncKey;
    // Held (the CLI holds 25 s) until the session's timer ends it.
    expect((await syncCheck(li, key)).text).toBe('window.synccheck={retcode:"1102",selector:"0"}');
    run.abort();
    expect(await run.exit).toBe(0);
  });

  it('bad values are usage errors', async () => {
    const bad = runCli(['emulator', '--session-expiry', 'soon']);
    expect(await bad.exit).not.toBe(0);
    expect(bad.stderr()).toMatch(/--session-expiry: expected a duration such as 30s/);
    const mode = runCli(['emulator', '--refuse-login', 'some']);
    expect(await mode.exit).not.toBe(0);
    expect(mode.stderr()).toMatch(/--refuse-login/);
  });
});
