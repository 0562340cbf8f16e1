/** Reading method parameters: query, JSON, urlencoded, multipart as grammY sends it; bounds and bad input. */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { readParams, TelegramParams } from '../../../src/bot/telegram-api/telegram-params.js';

const LIMITS = { maxBodyBytes: 1024, maxUploadBytes: 4096 };

function request(body: string | Buffer, contentType?: string, method = 'POST'): IncomingMessage {
  const stream = Readable.from([Buffer.from(body)]);
  return Object.assign(stream, {
    method,
    headers: contentType ? { 'content-type': contentType } : {},
  }) as unknown as IncomingMessage;
}

const read = (req: IncomingMessage, query = '') => readParams(req, new URLSearchParams(query), LIMITS);

/** A multipart body in grammY's own spelling (no spaces, an unquoted file name). */
function grammyMultipart(
  fields: Record<string, string>,
  file: { id: string; name: string; bytes: Buffer },
): { body: Buffer; type: string } {
  const b = '----------abcdefghijklmnopqrstuvwxyz012345';
  const parts = Object.entries(fields).map(([k, v]) =>
    Buffer.from(`content-disposition:form-data;name="${k}"\r\n\r\n${v}`),
  );
  parts.push(
    Buffer.concat([
      Buffer.from(
        `content-disposition:form-data;name="${file.id}";filename=${file.name}\r\ncontent-type:application/octet-stream\r\n\r\n`,
      ),
      file.bytes,
    ]),
  );
  const chunks: Buffer[] = [Buffer.from(`--${b}\r\n`)];
  parts.forEach((p, i) => {
    if (i > 0) chunks.push(Buffer.from(`\r\n--${b}\r\n`));
    chunks.push(p);
  });
  chunks.push(Buffer.from(`\r\n--${b}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${b}` };
}

describe('method parameters', () => {
  it('reads the query, JSON and urlencoded bodies (the body wins)', async () => {
    const json = await read(
      request('{"chat_id":-42,"text":"hi","reply_parameters":{"message_id":5}}', 'application/json'),
      'text=query&limit=3',
    );
    expect(json.chatId()).toBe(-42);
    expect(json.requiredString('text', 10)).toBe('hi');
    expect(json.int('limit', 1, 100)).toBe(3);
    expect(json.object('reply_parameters')?.int('message_id', 1, 10)).toBe(5);
    const form = await read(
      request(
        'chat_id=%40alice&disable_notification=true&reply_parameters=%7B%22message_id%22%3A6%7D',
        'application/x-www-form-urlencoded',
      ),
    );
    expect(form.chatId()).toBe('@alice');
    expect(form.bool('disable_notification')).toBe(true);
    expect(form.object('reply_parameters')?.int('message_id', 1, 10)).toBe(6);
    const get = await read(request('', undefined, 'GET'), 'offset=-1&allowed_updates=%5B%22message%22%5D');
    expect(get.int('offset', -10, 10)).toBe(-1);
    expect(get.stringArray('allowed_updates', 5)).toEqual(['message']);
  });

  it("reads grammY's multipart upload, resolving attach://", async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 13, 10, 45, 45]);
    const { body, type } = grammyMultipart(
      { chat_id: '123', document: 'attach://f1' },
      { id: 'f1', name: 'notes.txt', bytes },
    );
    const params = await read(request(body, type));
    expect(params.chatId()).toBe(123);
    const media = params.media('document');
    expect('file' in media && media.file.name).toBe('notes.txt');
    expect('file' in media && media.file.bytes.equals(bytes)).toBe(true);
    const missing = await read(
      request(
        grammyMultipart({ chat_id: '1', document: 'attach://nope' }, { id: 'f1', name: 'a', bytes }).body,
        type,
      ),
    );
    expect(() => missing.media('document')).toThrow(/not in the request/);
    expect(TelegramParams.of({ document: '5_123' }).media('document')).toEqual({ ref: '5_123' });
  });

  it("keeps grammY's unquoted file name whole (spaces, UTF-8), even split across chunks", async () => {
    const bytes = Buffer.from('hello');
    const name = 'my notes 周报 v2.txt';
    const { body, type } = grammyMultipart(
      { chat_id: '1', document: 'attach://f1' },
      { id: 'f1', name, bytes },
    );
    const split = body.indexOf('filename=') + 12;
    const stream = Readable.from([body.subarray(0, split), body.subarray(split)]);
    const req = Object.assign(stream, { method: 'POST', headers: { 'content-type': type } });
    const params = await read(req as unknown as IncomingMessage);
    const media = params.media('document');
    expect('file' in media && media.file.name).toBe(name);
    expect('file' in media && media.file.bytes.equals(bytes)).toBe(true);
  });

  it('answers hostile or oversized input with 4xx TelegramErrors', async () => {
    await expect(read(request('{oops', 'application/json'))).rejects.toMatchObject({
      errorCode: 400,
      message: /not valid JSON/,
    });
    await expect(read(request('[1]', 'application/json'))).rejects.toMatchObject({ errorCode: 400 });
    await expect(read(request('x'.repeat(2000), 'application/json'))).rejects.toMatchObject({
      errorCode: 413,
    });
    await expect(read(request('hello', 'text/plain'))).rejects.toMatchObject({ errorCode: 400 });
    await expect(read(request('--x\r\ngarbage', 'multipart/form-data; boundary=zzz'))).rejects.toMatchObject({
      errorCode: 400,
    });
    const big = grammyMultipart({ chat_id: '1' }, { id: 'f', name: 'a', bytes: Buffer.alloc(5000) });
    await expect(read(request(big.body, big.type))).rejects.toMatchObject({ errorCode: 413 });
    const p = TelegramParams.of({
      chat_id: 1.5,
      text: 5,
      limit: 'ten',
      flag: 'maybe',
      obj: '{bad',
      list: '[1]',
    });
    expect(() => p.chatId()).toThrow(/chat_id must be an integer/);
    expect(() => p.int('limit', 1, 100)).toThrow(/limit must be an integer/);
    expect(() => p.bool('flag')).toThrow(/Boolean/);
    expect(() => p.object('obj')).toThrow(/not valid JSON/);
    expect(() => p.stringArray('list', 3)).toThrow(/array of at most 3 strings/);
    expect(() => TelegramParams.of({}).requiredString('text', 10)).toThrow(/Bad Request: text is required/);
    expect(() => TelegramParams.of({ text: 'x'.repeat(11) }).requiredString('text', 10)).toThrow(
      /longer than 10/,
    );
  });
});
