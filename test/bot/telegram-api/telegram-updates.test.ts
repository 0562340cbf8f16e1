/** The update queue over the in-memory log: ids, confirming, negative offsets, own sends, age, waking. */
import { describe, expect, it } from 'vitest';
import { ChatIds, MemoryLog } from '../../../src/bot/telegram-api/index.js';
import { UpdateQueue } from '../../../src/bot/telegram-api/telegram-updates.js';
import { contact, fakeClient, textMessage } from '../fakes.js';

function setup(now = () => 1_700_000_100_000) {
  const client = fakeClient({ contacts: [contact('@alice', 'Alice')] });
  const log = new MemoryLog(4);
  const queue = new UpdateQueue({ log, client, ids: new ChatIds(client), ownInFileTransfer: true, now });
  const arrive = (text: string, options: Parameters<typeof textMessage>[1] = {}, createTime?: number) => {
    const message = textMessage(text, { chat: '@alice', ...options });
    if (createTime !== undefined) message.createTime = createTime;
    log.noteIncoming(message);
    queue.notify();
    return message;
  };
  return { log, queue, arrive };
}

const texts = async (queue: UpdateQueue, limit = 100) =>
  (await queue.pending(limit)).map((u) => u.message.text);

describe('UpdateQueue (no store)', () => {
  it('numbers updates from 1, confirms with an offset, and keeps the last of a negative offset', async () => {
    const { queue, arrive } = setup();
    arrive('a');
    arrive('b');
    arrive('c');
    expect((await queue.pending(2)).map((u) => u.update_id)).toEqual([1, 2]);
    await queue.applyOffset(2);
    expect(await texts(queue)).toEqual(['b', 'c']);
    await queue.applyOffset(-1);
    expect(await texts(queue)).toEqual(['c']);
    await queue.dropPending();
    expect(await texts(queue)).toEqual([]);
  });

  it("leaves out own messages (but the File Transfer chat's), own sends and updates older than a day", async () => {
    const { queue, arrive } = setup();
    arrive('mine', { isSelf: true });
    arrive('from the phone', { chat: 'filehelper', isSelf: true });
    const echo = arrive('echo of a send', { chat: 'filehelper', isSelf: true });
    queue.noteOwnSend(echo.id);
    arrive('more than a day old', {}, 1_700_000_100 - 90_000);
    arrive('x');
    expect(await texts(queue)).toEqual(['from the phone', 'x']);
    expect(await queue.count()).toBe(2);
  });

  it('keeps a bounded log: the oldest entries go first', async () => {
    const { queue, arrive } = setup();
    for (const t of ['1', '2', '3', '4', '5', '6']) arrive(t);
    expect(await texts(queue)).toEqual(['3', '4', '5', '6']);
  });

  it('wakes a waiting long poll when a message arrives, and ends after its timeout otherwise', async () => {
    const { queue, arrive } = setup();
    const waited = queue.wait(5000);
    arrive('wake up');
    await waited;
    expect(await texts(queue)).toEqual(['wake up']);
    await queue.wait(20);
    expect(await texts(queue)).toEqual(['wake up']);
  });
});
