/**
 * The phone in the browser, end to end in a real headless Chromium (playwright-core driving Debian's
 * `chromium`): the page confirms a real webwx client's QR, writes as a friend and in a group (emoji,
 * an @-mention), and shows the client's echo, escaped. Without chromium the test is skipped, unless
 * CI is set: then a missing browser fails. `UPDATE_SCREENSHOTS=1` rewrites docs/images/phone-page.png.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClientEvents, createClient, type WebWxClient } from '../../src/client/index.js';
import { type Emulator, multiAccountWorld, startEmulator } from '../../src/emulator/index.js';
import { raw } from './raw-http.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const IN_CI = (process.env.CI ?? '') !== '' && process.env.CI !== 'false';
const HAVE_BROWSER = existsSync(CHROMIUM);
const SKIP = !HAVE_BROWSER && !IN_CI;
const SCREENSHOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../docs/images/phone-page.png');
const TOKEN = 'browser-phone-test-token-0123456789';
const ONE_PIXEL_PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';

const title = SKIP
  ? `the phone in the browser — SKIPPED: no chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH; with CI set this fails)`
  : 'the phone in the browser (headless chromium)';

// The default reporter does not print a skipped suite's title: say it once on stderr too.
if (SKIP) process.stderr.write(`phone-page.int.test.ts: ${title}\n`);

describe.skipIf(SKIP)(title, () => {
  let emulator: Emulator;
  let client: WebWxClient;
  let browser: Browser;
  let page: Page;
  const received: { text: string; mentions: string[] }[] = [];
  const kinds: string[] = [];

  beforeAll(async () => {
    if (!HAVE_BROWSER)
      throw new Error(`CI is set and chromium is missing at ${CHROMIUM}: .ci/run installs it`);
    emulator = await startEmulator({
      port: 0,
      phoneToken: TOKEN,
      timing: { loginPollHoldMs: 1000, syncCheckHoldMs: 1000, qrExpiryMs: 60_000 },
    });
    client = createClient({
      server: emulator.baseUrl,
      pacing: false,
      retry: { baseDelayMs: 50, maxDelayMs: 200 },
    });
    // The bot: echo every text from someone else back into its chat.
    client.on('message', async (m) => {
      if (!m.isSelf) kinds.push(m.kind);
      if (m.isSelf || m.kind !== 'text') return;
      received.push({ text: m.text, mentions: m.mentions });
      await client.sendText(m.chat.userName, `echo: ${m.text}`);
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1100, height: 640 } });
  });

  afterAll(async () => {
    await browser?.close();
    await client?.stop();
    await emulator?.close();
  });

  it('serves the page without the token, with a strict CSP; the API still wants the token', async () => {
    const res = await fetch(`${emulator.baseUrl}/__phone/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('<script src="/__phone/phone.js"');
    expect((await fetch(`${emulator.baseUrl}/__phone/phone.js`)).status).toBe(200);
    expect((await fetch(`${emulator.baseUrl}/__phone/sessions`)).status).toBe(401);
    // The page's paths open nothing else: a POST still wants the token, a foreign Host is refused.
    expect((await raw(emulator, { method: 'POST', path: '/__phone/' })).status).toBe(401);
    expect((await raw(emulator, { path: '/__phone/', headers: { host: 'evil.example' } })).status).toBe(421);
  });

  it('confirms the client QR, writes as a friend and in a group, and shows the echo escaped', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${emulator.baseUrl}/__phone/#token=${TOKEN}`);
    await page.locator('#chat option').first().waitFor({ state: 'attached' });

    const started = client.start();
    const qr = page.locator('li.qr').first();
    await qr.getByRole('button', { name: 'Scan' }).click();
    await page.locator('li.qr[data-state="scanned"]').waitFor();
    await qr.getByRole('button', { name: 'Confirm' }).click();
    await started;
    await page.locator('#sessions li[data-state="active"]').waitFor();

    // As 老张 (a friend in the demo world), with emoji and markup that must stay text.
    await page.selectOption('#chat', 'p:wxid_zhangwei01');
    await page.locator('#text').fill('晚上吃饭？😀 <b>bold</b>');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const echo = page.locator('#log li.client', { hasText: 'echo: 晚上吃饭？😀 <b>bold</b>' });
    await echo.waitFor({ timeout: 15_000 });
    expect(await page.locator('#log b').count()).toBe(0);
    expect(received[0]?.text).toBe('晚上吃饭？😀 <b>bold</b>');

    // In a group, as 妈妈, mentioning 三舅 from the picker; sent with Enter.
    await page.selectOption('#chat', 'r:20190101001@chatroom');
    await page.selectOption('#from', 'wxid_mama11');
    await page.selectOption('#mention', '三舅');
    await page.locator('#text').press('End');
    await page.locator('#text').pressSequentially('吃饭了');
    await page.locator('#text').press('Enter');
    await page.locator('#log li.client', { hasText: 'echo: @三舅 吃饭了' }).waitFor({ timeout: 15_000 });
    expect(received[1]).toEqual({ text: '@三舅\u2005吃饭了', mentions: ['三舅'] });

    // A file from the file input goes to POST /__phone/media as base64 and reaches the client.
    await page.setInputFiles('#file', {
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('hello'),
    });
    await page.locator('#log li.phone', { hasText: '[file] notes.txt' }).waitFor();
    await expect.poll(() => kinds.includes('file'), { timeout: 10_000 }).toBe(true);
    expect(errors).toEqual([]);

    const png = await page.screenshot();
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    if (process.env.UPDATE_SCREENSHOTS) writeFileSync(SCREENSHOT, png);
  });

  it('sends an image dropped on the chat', async () => {
    const dropped = await page.evaluateHandle((base64) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      // Runs in the page: the browser's DataTransfer (not in Node's type library).
      const { DataTransfer } = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: File): void } };
      };
      const transfer = new DataTransfer();
      transfer.items.add(new File([bytes], 'dot.png', { type: 'image/png' }));
      return transfer;
    }, ONE_PIXEL_PNG);
    await page.dispatchEvent('#chat-panel', 'drop', { dataTransfer: dropped });
    await page.locator('#log li.phone', { hasText: '[image] dot.png' }).waitFor();
    await expect.poll(() => kinds.includes('image'), { timeout: 10_000 }).toBe(true);
  });

  it('revokes, renames the group, injects and clears a fault, and logs the client out', async () => {
    const revoked = nextEvent('revoke');
    await page
      .locator('#log li.phone', { hasText: '吃饭了' })
      .getByRole('button', { name: 'Revoke' })
      .click();
    expect((await revoked).original?.text).toBe('@三舅\u2005吃饭了');
    await page.locator('#log li.phone.revoked', { hasText: '吃饭了' }).waitFor();

    const renamed = nextEvent('room-topic');
    await page.selectOption('#tool-room', '20190101001@chatroom');
    await page.locator('#topic').fill('一家人 🏠');
    await page.getByRole('button', { name: 'Rename' }).click();
    expect((await renamed).topic).toBe('一家人 🏠');
    await page.locator('#chat option', { hasText: '一家人 🏠' }).waitFor({ state: 'attached' });

    await page.locator('summary', { hasText: 'Faults' }).click();
    await page.selectOption('#fault-endpoint', 'webwxsendmsg');
    await page.selectOption('#fault-kind', 'ret');
    await page.getByRole('button', { name: 'Inject' }).click();
    await page.locator('#faults li', { hasText: 'webwxsendmsg' }).waitFor();
    expect(emulator.faults.list().map((f) => f.endpoint)).toEqual(['webwxsendmsg']);
    await page.getByRole('button', { name: 'Clear all' }).click();
    await page.locator('#faults li').waitFor({ state: 'detached' });
    expect(emulator.faults.list()).toEqual([]);

    const loggedOut = nextEvent('logout');
    await page.selectOption('#logout-code', '1101');
    await page.getByRole('button', { name: 'Log out' }).click();
    await loggedOut;
    await page.locator('#sessions li[data-state="ended"]', { hasText: '1101' }).waitFor();
    expect(await page.locator('#sessions li[data-state="active"]').count()).toBe(0);
  });

  it('acts as the account picked: its world, its QR confirmation, its sessions', async () => {
    const multi = await startEmulator({
      world: multiAccountWorld({ accounts: 2, friendsEach: 1 }),
      timing: { loginPollHoldMs: 1000, syncCheckHoldMs: 1000, qrExpiryMs: 60_000 },
    });
    const second = createClient({
      server: multi.baseUrl,
      pacing: false,
      retry: { baseDelayMs: 50, maxDelayMs: 200 },
    });
    const tab = await browser.newPage();
    try {
      await tab.goto(`${multi.baseUrl}/__phone/`);
      await tab.locator('#account-picker').waitFor();
      await tab.selectOption('#account', 'wxid_account002');
      await tab.locator('#self', { hasText: 'as Account 2' }).waitFor();
      await tab.locator('#chat option[value="p:wxid_account001"]').waitFor({ state: 'attached' });
      expect(await tab.locator('#chat option[value="p:wxid_a002_f01"]').count()).toBe(1);
      const started = second.start();
      await tab.locator('li.qr').first().getByRole('button', { name: 'Scan' }).click();
      await tab.locator('li.qr[data-state="scanned"]').getByRole('button', { name: 'Confirm' }).click();
      await started;
      expect(second.self?.nickName).toBe('Account 2');
      expect(
        multi
          .phoneOf('wxid_account002')
          .sessions()
          .map((x) => x.state),
      ).toEqual(['active']);
      expect(multi.phone.sessions()).toEqual([]);
    } finally {
      await tab.close();
      await second.stop();
      await multi.close();
    }
  });

  function nextEvent<K extends 'revoke' | 'room-topic' | 'logout'>(name: K): Promise<ClientEvents[K]> {
    return new Promise((resolve) => {
      const off = client.on(name, (payload) => {
        off();
        resolve(payload);
      });
    });
  }
});
