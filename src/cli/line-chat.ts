/**
 * The line-based chat: every incoming message printed on one line, and the seed's
 * `->NAME:TEXT` to send. Ends on `quit`, on the end of input, or when the session ends.
 */
import { createInterface } from 'node:readline';
import type { WebWxClient } from '../client/index.js';
import { WebWxError } from '../errors.js';
import type { CliIo } from './cli-io.js';
import { LINE_HELP, parseLineCommand } from './line-commands.js';
import { type ChatNames, formatMessageLine, sanitizeForTerminal } from './message-line.js';
import { type Addressable, resolveRecipient } from './recipient.js';

export type LineChatEnd = 'quit' | 'end-of-input' | 'logged-out';

export interface LineChatOptions {
  client: WebWxClient;
  io: CliIo;
  /** Keep running when the input ends (the demo without a terminal). Default false. */
  keepAliveOnEof?: boolean;
}

export function chatNames(client: WebWxClient): ChatNames {
  return {
    chatLabel(userName) {
      if (client.self && userName === client.self.userName) return 'me';
      const room = client.contacts.room(userName);
      if (room) return room.topic || `group (${room.memberCount})`;
      const contact = client.contacts.get(userName);
      if (contact) return contact.remarkName || contact.nickName || userName;
      return userName;
    },
  };
}

export function addressables(client: WebWxClient): Addressable[] {
  const people: Addressable[] = client.contacts.list().map((c) => ({
    userName: c.userName,
    names: [c.remarkName, c.nickName, c.alias],
    label: c.remarkName ? `${c.remarkName} (${c.nickName})` : c.nickName,
  }));
  const rooms: Addressable[] = client.contacts.rooms().map((r) => ({
    userName: r.userName,
    names: [r.topic],
    label: `[group] ${r.topic}`,
  }));
  return [...people, ...rooms];
}

export function runLineChat(options: LineChatOptions): Promise<LineChatEnd> {
  const { client, io } = options;
  const names = chatNames(client);
  const write = (line: string): void => {
    io.stdout.write(`${line}\n`);
  };
  const unsubscribers: (() => void)[] = [];

  return new Promise<LineChatEnd>((resolve) => {
    const rl = createInterface({ input: io.stdin, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
    let done = false;
    const finish = (end: LineChatEnd) => {
      if (done) return;
      done = true;
      for (const off of unsubscribers) off();
      rl.close();
      resolve(end);
    };

    unsubscribers.push(client.on('message', (message) => write(formatMessageLine(message, names))));
    unsubscribers.push(
      client.on('logout', ({ reason }) => {
        write(`session ended: ${reason}`);
        finish('logged-out');
      }),
    );

    let queue = Promise.resolve();
    rl.on('line', (line) => {
      queue = queue
        .then(() => handleLine(line))
        .catch((error: unknown) => write(`error: ${describeError(error)}`));
    });
    rl.on('close', () => {
      if (!options.keepAliveOnEof) void queue.then(() => finish('end-of-input'));
    });

    async function handleLine(line: string): Promise<void> {
      const command = parseLineCommand(line);
      switch (command.kind) {
        case 'empty':
          return;
        case 'help':
          write(LINE_HELP);
          return;
        case 'quit':
          finish('quit');
          return;
        case 'invalid':
          write(command.reason);
          return;
        case 'send': {
          const resolution = resolveRecipient(command.name, addressables(client));
          if (resolution.kind === 'ambiguous') {
            write(
              `"${command.name}" matches several chats: ${resolution.matches.map((m) => m.label).join(', ')}`,
            );
            return;
          }
          if (resolution.kind === 'not-found') {
            const hint = resolution.suggestions.length
              ? ` Did you mean: ${resolution.suggestions.map((m) => m.label).join(', ')}?`
              : '';
            write(`no contact or group named "${sanitizeForTerminal(command.name)}".${hint}`);
            return;
          }
          await client.sendText(resolution.target.userName, command.text);
          write(`sent to ${resolution.target.label}`);
          return;
        }
      }
    }
  });
}

function describeError(error: unknown): string {
  if (error instanceof WebWxError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
