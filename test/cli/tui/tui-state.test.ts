import { describe, expect, it } from 'vitest';
import { syncHealth } from '../../../src/cli/tui/status-line.js';
import { initialState, plainQr, reduce } from '../../../src/cli/tui/tui-state.js';
import { textMessage } from './sample-messages.js';
import { ready } from './tui-fixtures.js';

describe('login states', () => {
  it('goes waiting → scanned → renewed QR → logging in → loading → ready', () => {
    let s = initialState();
    expect(s.login.phase).toBe('starting');
    s = reduce(s, {
      type: 'qr',
      terminal: '\u001b[47m\u001b[30m ▄▄ \u001b[0m\n',
      url: 'https://login.weixin.qq.com/l/abc==',
    });
    expect(s.login).toMatchObject({ phase: 'waiting', qr: ' ▄▄ ', renewals: 0 });
    s = reduce(s, { type: 'scanned', name: '小明' });
    expect(s.login).toMatchObject({ phase: 'scanned', scannedBy: '小明' });
    s = reduce(s, { type: 'qr', terminal: 'QR2', url: 'u2' });
    expect(s.login).toMatchObject({ phase: 'waiting', renewals: 1, scannedBy: '' });
    s = reduce(s, { type: 'client-state', state: 'logging-in' });
    expect(s.login.phase).toBe('logging-in');
    s = reduce(s, { type: 'login', account: '小明', selfNames: ['小明'] });
    expect(s.login.phase).toBe('loading');
    s = reduce(s, { type: 'ready' });
    expect(s.screen).toBe('main');
  });

  it('strips colours from the QR and sanitises the rest', () => {
    expect(plainQr('\u001b[47m█\u001b[0m\n\u001b]0;x\u0007')).toBe('█\n\\x1b]0;x\\x07');
  });
});

describe('status', () => {
  it('counts sync errors until a message comes through or a minute passes, and reports the end of the session', () => {
    let s = ready();
    s = reduce(s, { type: 'sync-error', message: 'synccheck: \u001b[2J timeout', now: 1000 });
    s = reduce(s, { type: 'sync-error', message: 'again', now: 2000 });
    expect(s.status).toMatchObject({ errors: 2, lastError: 'again' });
    expect(syncHealth(s.status, 3000)).toEqual({ text: 'sync retrying (2)', ok: false });
    expect(syncHealth(s.status, 62_001).ok).toBe(true);
    s = reduce(s, { type: 'message', message: textMessage({ text: 'x' }), now: 5000 });
    expect(s.status.errors).toBe(0);
    s = reduce(s, { type: 'logout', reason: 'logged-out-on-phone' });
    expect(s.status.connection).toBe('logged-out');
    expect(s.notice?.text).toContain('logged-out-on-phone');
  });
});
