/**
 * The scale scenario's handler on a ThreadedAccountHost (scale-host.ts with `threads`): loaded in
 * each thread, it makes every client echo each text, as scale-host.ts's `echo` does on one loop.
 */
import type { WebWxClient } from '../src/client/index.js';

export default function echo(client: WebWxClient): void {
  client.on('message', (m) => {
    if (m.kind === 'text' && !m.isSelf) client.sendText(m.chat.userName, m.text).catch(() => {});
  });
}
