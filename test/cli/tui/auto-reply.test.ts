import { describe, expect, it } from 'vitest';
import type { ReplyInput, ReplySource } from '../../../src/bot/index.js';
import {
  AWAY_TEXT,
  answersMessage,
  awayMessageSource,
  botReplySource,
} from '../../../src/cli/tui/auto-reply.js';
import type { WebWxClient } from '../../../src/client/index.js';
import { oneOfEach, textMessage } from './sample-messages.js';

const direct = (text: string, chat = '@a') => textMessage({ text, chat: { userName: chat, isRoom: false } });
const group = (text: string, mentionsSelf: boolean) =>
  textMessage({ text, chat: { userName: '@@g', isRoom: true }, mentionsSelf });

describe('auto-reply', () => {
  it('answers direct texts and group texts that mention the user, never the user’s own or other kinds', () => {
    expect(answersMessage(direct('hi'))).toBe(true);
    expect(answersMessage(group('hi all', false))).toBe(false);
    expect(answersMessage(group('@小明 hi', true))).toBe(true);
    expect(answersMessage(textMessage({ text: 'mine', isSelf: true }))).toBe(false);
    expect(answersMessage(oneOfEach().image)).toBe(false);
    expect(answersMessage(direct('   '))).toBe(false);
  });

  it('the built-in away message answers once per chat per interval', async () => {
    const away = awayMessageSource({ perChatIntervalMs: 1000 });
    expect(away.label).toBe('built-in away message');
    expect(await away.replyTo(direct('hi'), 0)).toBe(AWAY_TEXT);
    expect(await away.replyTo(direct('again'), 500)).toBeUndefined();
    expect(await away.replyTo(direct('other chat', '@b'), 500)).toBe(AWAY_TEXT);
    expect(await away.replyTo(direct('later'), 1500)).toBe(AWAY_TEXT);
  });

  it('asks a bot reply source with the mention taken out', async () => {
    const inputs: ReplyInput[] = [];
    const source: ReplySource = {
      name: 'rules',
      reply: async (input) => {
        inputs.push(input);
        return input.text === 'ping' ? 'pong' : undefined;
      },
    };
    const client = {
      self: { userName: '@me', nickName: '小明' },
      contacts: { get: () => undefined, room: () => undefined },
    } as unknown as WebWxClient;
    const auto = botReplySource(source, client, { perChatIntervalMs: 0 });
    expect(auto.label).toBe('rules');
    expect(await auto.replyTo(group('@小明 ping', true), 0)).toBe('pong');
    expect(inputs[0]?.text).toBe('ping');
    expect(await auto.replyTo(direct('hello'), 1)).toBeUndefined();
    expect(await auto.replyTo(group('ping', false), 2)).toBeUndefined();
    expect(inputs).toHaveLength(2);
  });
});
