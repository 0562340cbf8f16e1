/** cookieStoreOf (src/client/session/session-resume.ts): a saved jar that cannot be restored. */
import { describe, expect, it } from 'vitest';
import { cookieStoreOf } from '../../../src/client/session/session-resume.js';
import type { SavedSession } from '../../../src/store/index.js';
import { CookieStore } from '../../../src/transport/index.js';
import { recordingLogger } from '../../recording-logger.js';

function savedWith(cookies: unknown): SavedSession {
  return { cookies } as unknown as SavedSession;
}

describe('cookieStoreOf', () => {
  it('restores a saved jar', () => {
    const jar = new CookieStore();
    jar.store('http://127.0.0.1:9/cgi-bin/mmwebwx-bin/webwxnewloginpage', ['wxsid=SECRETSID; Path=/']);
    const { logger, lines } = recordingLogger();
    const restored = cookieStoreOf(savedWith(JSON.parse(JSON.stringify(jar.toJSON()))), logger);
    expect(restored.getCookieHeader('http://127.0.0.1:9/x')).toBe('wxsid=SECRETSID');
    expect(lines).toEqual([]);
  });

  it('gives an empty jar and a warning without the cookies for a corrupt one (a date tough-cookie cannot write back)', () => {
    const { logger, at, text } = recordingLogger();
    const corrupt = {
      cookies: [{ key: 'wxsid', value: 'SECRETSID', domain: '127.0.0.1', path: '/', creation: 'garbage' }],
    };
    const restored = cookieStoreOf(savedWith(corrupt), logger);
    expect(restored.getCookieHeader('http://127.0.0.1:9/x')).toBe('');
    expect(restored.toJSON().cookies).toEqual([]);
    expect(at('warn').map((l) => l.msg)).toEqual(['the saved cookies cannot be restored']);
    expect(text()).not.toContain('SECRETSID');
  });
});
