/** webwx messages as Telegram messages; which messages are updates; file ids and paths; sends' text rendering. */
import { describe, expect, it } from 'vitest';
import { ChatIds } from '../../../src/bot/telegram-api/index.js';
import {
  commandEntities,
  isUpdateMessage,
  parseFileId,
  parseFilePath,
  toTelegramMessage,
} from '../../../src/bot/telegram-api/telegram-message.js';
import { plainText, QUOTE_RULE, quoteText } from '../../../src/bot/telegram-api/telegram-sends.js';
import type { FileMessage, ImageMessage, Message } from '../../../src/model/index.js';
import { contact, fakeClient, room, textMessage } from '../fakes.js';

const client = fakeClient({ contacts: [contact('@alice', 'Alice')], rooms: [room('@@family', 'Family')] });
const ids = new ChatIds(client);
const media = {
  mediaId: 'M1',
  fileName: 'report.pdf',
  fileSize: 1234,
  md5: '',
  attachId: '',
  encryFileName: '',
  aesKey: '',
};

describe('Telegram messages', () => {
  it('converts a private text, with bot_command entities in UTF-16 offsets', () => {
    const m = toTelegramMessage(
      { id: 7, direction: 'in', message: textMessage('👋 /start now', { chat: '@alice' }) },
      client,
      ids,
    );
    expect(m).toMatchObject({
      message_id: 7,
      chat: { type: 'private', first_name: 'Alice' },
      from: { is_bot: false, first_name: 'Alice' },
      text: '👋 /start now',
      entities: [{ type: 'bot_command', offset: 3, length: 6 }],
    });
    expect(m.chat.id).toBe(ids.idOf('@alice'));
    expect(commandEntities('/help@webwx_bot x /two')).toEqual([
      { type: 'bot_command', offset: 0, length: 15 },
      { type: 'bot_command', offset: 18, length: 4 },
    ]);
    expect(commandEntities('a/b http://x/y')).toEqual([]);
  });

  it('converts a group message: negative chat id, the topic as title, the member as from', () => {
    const msg = textMessage('hi all', { chat: '@@family', sender: '@bob' });
    msg.sender.displayName = 'Bob';
    const m = toTelegramMessage({ id: 8, direction: 'in', message: msg }, client, ids);
    expect(m.chat).toMatchObject({ type: 'group', title: 'Family' });
    expect(m.chat.id).toBeLessThan(0);
    expect(m.from).toMatchObject({ first_name: 'Bob', is_bot: false });
  });

  it('converts a photo and a document with file ids that parse back, and other kinds to text', () => {
    const base = textMessage('', { chat: '@alice' });
    const image = {
      ...base,
      kind: 'image',
      media: { ...media, msgId: base.id, fileName: '' },
      width: 90,
      height: 120,
      cdnThumbUrl: '',
      cdnMidImgUrl: '',
    } as ImageMessage;
    const photo = toTelegramMessage({ id: 9, direction: 'in', message: image }, client, ids);
    expect(photo.photo).toEqual([
      { file_id: `9_${base.id}`, file_unique_id: `w${base.id}`, width: 90, height: 120, file_size: 1234 },
    ]);
    expect(parseFileId(photo.photo?.[0]?.file_id ?? '')).toEqual({ entryId: 9, msgId: base.id });
    const file = {
      ...base,
      kind: 'file',
      media: { ...media, msgId: base.id },
      fileExt: 'pdf',
    } as unknown as FileMessage;
    const doc = toTelegramMessage({ id: 10, direction: 'in', message: file }, client, ids);
    expect(doc.document).toMatchObject({
      file_name: 'report.pdf',
      mime_type: 'application/pdf',
      file_size: 1234,
    });
    const link = {
      ...base,
      kind: 'link',
      title: 'Read this',
      url: 'https://example.com/a',
    } as unknown as Message;
    expect(toTelegramMessage({ id: 11, direction: 'in', message: link }, client, ids).text).toBe(
      'Read this\nhttps://example.com/a',
    );
    const sent = toTelegramMessage(
      { id: 12, direction: 'out', message: textMessage('mine', { isSelf: true }) },
      client,
      ids,
    );
    expect(sent.from?.is_bot).toBe(true);
  });

  it('refuses file ids and file paths that are not ours', () => {
    for (const bad of ['', 'abc', '1_', '_1', '0_5', '1_2_3', '../1_2', '99999999999999999_1']) {
      expect(parseFileId(bad)).toBeUndefined();
    }
    expect(parseFilePath('documents/3_123.pdf')).toEqual({ entryId: 3, msgId: '123' });
    for (const bad of [
      '../documents/3_123.pdf',
      'documents/../3_123',
      '/etc/passwd',
      'documents/3_123.pdf/x',
      'other/3_123',
      'documents/3_123.PDF.exe',
    ]) {
      expect(parseFilePath(bad)).toBeUndefined();
    }
  });

  it("makes updates of others' messages, and of the account's own only in the File Transfer chat", () => {
    expect(isUpdateMessage(textMessage('x', { chat: '@alice' }), true)).toBe(true);
    expect(isUpdateMessage(textMessage('x', { chat: '@alice', isSelf: true }), true)).toBe(false);
    expect(isUpdateMessage(textMessage('x', { chat: 'filehelper', isSelf: true }), true)).toBe(true);
    expect(isUpdateMessage(textMessage('x', { chat: 'filehelper', isSelf: true }), false)).toBe(false);
    expect(isUpdateMessage({ ...textMessage('joined'), kind: 'system' } as unknown as Message, true)).toBe(
      false,
    );
  });
});

describe('rendering a send for WeChat', () => {
  it("renders a reply as WeChat's quote, cut to 50 characters", () => {
    expect(quoteText('Alice', 'see\nyou', 'ok')).toBe(`「Alice：see you」\n${QUOTE_RULE}\nok`);
    expect(quoteText('A', 'x'.repeat(60), 'ok')).toBe(`「A：${'x'.repeat(50)}…」\n${QUOTE_RULE}\nok`);
  });

  it('reduces parse_mode markup to plain text, and refuses an unknown mode', () => {
    expect(plainText('<b>bold</b> &lt;3 &amp; <a href="x">link</a>', 'HTML')).toBe('bold <3 & link');
    expect(plainText('*bold* \\_not\\_ [site](https://x.y) 1\\.5', 'MarkdownV2')).toBe(
      'bold _not_ site (https://x.y) 1.5',
    );
    expect(plainText('*as is*', undefined)).toBe('*as is*');
    expect(() => plainText('x', 'Morse')).toThrow(/unsupported parse_mode/);
  });
});
