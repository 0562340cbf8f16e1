import { describe, expect, it } from 'vitest';
import { chooseReplySource, parseBotConfig } from '../../src/cli/bot-command.js';

const base = {
  uos: true,
  autoReply: true,
  groups: 'mentions' as const,
  logger: undefined as never,
  signal: new AbortController().signal,
};

describe('bot config', () => {
  it('validates plugins and auto-reply settings, naming the field', () => {
    expect(
      parseBotConfig({ plugins: ['./a.js'], autoReply: { webhook: 'http://x', groups: 'all' } }, '/d'),
    ).toMatchObject({
      plugins: ['./a.js'],
      autoReply: { webhook: 'http://x', groups: 'all' },
      dir: '/d',
    });
    expect(() => parseBotConfig([], '/d')).toThrow('JSON object');
    expect(() => parseBotConfig({ plugin: [] }, '/d')).toThrow('plugin: unknown field');
    expect(() => parseBotConfig({ plugins: [1] }, '/d')).toThrow('plugins[0]');
    expect(() => parseBotConfig({ autoReply: { groups: 'some' } }, '/d')).toThrow('autoReply.groups');
  });

  it('chooses the reply source from flags, then the config, then the environment', async () => {
    const env = { WEBWX_OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', WEBWX_OPENAI_MODEL: 'm' };
    expect(
      (await chooseReplySource({ ...base, webhook: 'http://127.0.0.1:9/h' }, undefined, env)).name,
    ).toMatch(/^webhook/);
    expect((await chooseReplySource(base, undefined, env)).name).toMatch(/^chat-completions/);
    const config = parseBotConfig({ autoReply: { webhook: 'http://127.0.0.1:9/c' } }, '/d');
    expect((await chooseReplySource(base, config, env)).name).toBe('webhook http://127.0.0.1:9/c');
    await expect(chooseReplySource(base, undefined, {})).rejects.toThrow('needs a reply source');
    await expect(
      chooseReplySource(base, undefined, { WEBWX_OPENAI_BASE_URL: 'http://x/v1' }),
    ).rejects.toThrow('--openai-model');
  });
});
