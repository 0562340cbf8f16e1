import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FaultTable } from '../../src/emulator/faults.js';
import { MsgIdSource, newRawPassTicket, newUuid } from '../../src/emulator/ids.js';
import {
  cookieDate,
  emojiToSpan,
  encodeMessageText,
  groupContent,
  jsLoginReply,
  loginErrorXml,
  loginPageXml,
  loginPollCode,
  loginPollConfirmed,
  loginPollScanned,
  REFUSAL_MESSAGE,
  syncCheckReply,
  syncConvContent,
} from '../../src/emulator/wire-format.js';
import { stringifyWire, wireMessage } from '../../src/emulator/wire-objects.js';
import { REPO_ROOT, readFixtureJson, readFixtureText } from '../fixtures.js';

const PROTOCOL = readFileSync(resolve(REPO_ROOT, '../shared/PROTOCOL.md'), 'utf8');
const CAPTURE = readFixtureText('captures', 'full-http-capture-2018.md');
const protocolLines = new Set(PROTOCOL.split('\n'));
const captureLines = new Set(CAPTURE.split('\n'));

describe('text replies are byte-exact', () => {
  it('jslogin (§2.1, 64 bytes in the capture)', () => {
    const line = jsLoginReply('gbyKnbsmqQ==');
    expect(protocolLines.has(line)).toBe(true);
    expect(captureLines.has(line)).toBe(true);
    expect(Buffer.byteLength(line)).toBe(64);
  });

  it('login poll (§2.3)', () => {
    expect(protocolLines.has(loginPollCode(408))).toBe(true);
    expect(loginPollScanned(undefined)).toBe('window.code=201;');
    expect(loginPollScanned('/9j/4AAQSkZJRgABAQEASABIAAD......')).toBe(
      "window.code=201;window.userAvatar = 'data:img/jpg;base64,/9j/4AAQSkZJRgABAQEASABIAAD......';",
    );
    expect(captureLines.has(loginPollScanned('/9j/4AAQSkZJRgABAQEASABIAAD......'))).toBe(true);
    const confirmed = loginPollConfirmed(
      'https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=AaXdHpmbWGYo_ZOk7ylAnnCY@qrticket_0&uuid=gbyKnbsmqQ==&lang=zh_CN&scan=1546211468',
    );
    expect(captureLines.has(confirmed)).toBe(true);
  });

  it('webwxnewloginpage XML (§2.4) and the refusal', () => {
    const xml = loginPageXml({
      skey: '@crypt_63d18dea_a7de6934c67e2f89ac399fa35b689a50',
      sid: '5YpLHmVgWwH5LxN1',
      uin: 176666155,
      passTicketEncoded: 'kbmy5Jt9nj%2BJzBaJZYNpUBQyBwRTejeXq1sM%2FYH7iOI%3D',
    });
    expect(captureLines.has(xml)).toBe(true);
    expect(protocolLines.has(loginErrorXml(1203, REFUSAL_MESSAGE))).toBe(true);
  });

  it('synccheck (§4.5, 43 bytes)', () => {
    const line = syncCheckReply(0, 2);
    expect(protocolLines.has(line)).toBe(true);
    expect(Buffer.byteLength(line)).toBe(43);
    expect(syncCheckReply(1102, 0)).toBe('window.synccheck={retcode:"1102",selector:"0"}');
  });

  it('the SYNC_CONV content matches the real 2016 sample byte for byte (§9.4)', () => {
    const sample = readFixtureJson<{ Content: string }>('messages', '00051-statusnotify--wechat4u-1.json');
    const ids = /&lt;username&gt;([^&]*)&lt;\/username&gt;<br\/>&lt;unreadchatlist/
      .exec(sample.Content)![1]!
      .split(',');
    const unread = [
      ...sample.Content.matchAll(
        /&lt;chat&gt;<br\/>&lt;username&gt;([^&]*)&lt;\/username&gt;<br\/>&lt;lastreadtime&gt;(\d+)/g,
      ),
    ].map((m) => ({ id: m[1]!, lastReadTime: Number(m[2]) }));
    expect(unread).toHaveLength(5);
    expect(syncConvContent(ids, unread)).toBe(sample.Content);
  });

  it('cookie dates look like the capture', () => {
    expect(cookieDate(Date.UTC(2018, 11, 31, 11, 12, 21))).toBe('Mon, 31-Dec-2018 11:12:21 GMT');
  });
});

describe('message content encoding (§9.3)', () => {
  it('escapes < and >, turns newlines into <br/>', () => {
    expect(encodeMessageText('a<b>c\nd\r\ne')).toBe('a&lt;b&gt;c<br/>d<br/>e');
    expect(encodeMessageText('你好，世界')).toBe('你好，世界');
    expect(groupContent('@abc', 'hi')).toBe('@abc:<br/>hi');
  });

  it('turns emoji into spans like the real server', () => {
    expect(emojiToSpan('hi 😄')).toBe('hi <span class="emoji emoji1f604"></span>');
    expect(emojiToSpan('🇨🇳')).toBe('<span class="emoji emoji1f1e81f1f3"></span>');
    expect(emojiToSpan('👋🏽')).toBe('<span class="emoji emoji1f44b1f3fd"></span>');
    expect(emojiToSpan('❤️')).toBe('<span class="emoji emoji2764"></span>');
    expect(emojiToSpan('☀x')).toBe('<span class="emoji emoji2600"></span>x');
    expect(emojiToSpan('😄😄')).toBe(
      '<span class="emoji emoji1f604"></span><span class="emoji emoji1f604"></span>',
    );
    expect(emojiToSpan('© ® ™ #1')).toBe('© ® ™ #1');
  });
});

describe('wire objects and ids', () => {
  it('messages carry every field, NewMsgId as a bare number with MsgId digits', () => {
    const ids = new MsgIdSource();
    const a = ids.take();
    const b = ids.take();
    expect(a).toMatch(/^\d{19}$/);
    expect(BigInt(b) > BigInt(a)).toBe(true);
    const text = stringifyWire(
      wireMessage({ msgId: a, from: '@x', to: '@y', type: 1, content: 'hi', createTime: 1 }),
    );
    expect(text).toContain(`"NewMsgId":${a},`);
    expect(text).toContain(`"MsgId":"${a}"`);
    expect(Object.keys(JSON.parse(text))).toHaveLength(28);
    // In the order of a real webwxsync reply's AddMsgList entry (the 2019+ capture: 28 fields).
    const captured = readFixtureJson<{ AddMsgList: object[] }>('responses', 'QJesus-webwxsync.json');
    expect(Object.keys(JSON.parse(text))).toEqual(Object.keys(captured.AddMsgList[0] as object));
  });

  it('uuids and pass tickets have the real shapes', () => {
    for (let i = 0; i < 50; i++) {
      expect(newUuid()).toMatch(/^[A-Za-z0-9]{10}==$/);
      const pt = newRawPassTicket();
      expect(pt).toHaveLength(44);
      expect(encodeURIComponent(pt)).toMatch(/%2B.*%2F/);
    }
  });
});

describe('fault table', () => {
  it('applies per endpoint for times, honours probability and wildcard', () => {
    let roll = 0.9;
    const t = new FaultTable(() => roll);
    const f = t.inject('synccheck', { kind: 'reset' }, { times: 2 });
    expect(t.take('webwxsync')).toBeUndefined();
    expect(t.take('synccheck')).toEqual({ kind: 'reset' });
    expect(t.take('synccheck')).toEqual({ kind: 'reset' });
    expect(t.take('synccheck')).toBeUndefined();
    expect(f.hits).toBe(2);
    t.inject('*', { kind: 'delay', ms: 5 }, { probability: 0.5 });
    expect(t.take('login')).toBeUndefined();
    roll = 0.1;
    expect(t.take('login')).toEqual({ kind: 'delay', ms: 5 });
    t.clear();
    expect(t.take('login')).toBeUndefined();
    expect(() => t.inject('x', { kind: 'http-status', status: 42 })).toThrow();
    const removable = t.inject('x', { kind: 'malformed' });
    removable.remove();
    expect(t.list()).toHaveLength(0);
  });
});
