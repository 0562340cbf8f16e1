/**
 * The line-based chat: every incoming message printed on one line, and the seed's commands to send
 * (`->NAME:TEXT`, `m->NAME:FILE`, `i->`, `f->`, `e->`, `->all:TEXT`). Ends on `quit`, on the end of
 * input, or when the session ends.
 */
import { readFile, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { WebWxClient } from '../client/index.js';
import { WebWxError } from '../errors.js';
import type { CliIo } from './cli-io.js';
import { type ClientActions, clientActions } from './client-actions.js';
import { isYes, LINE_HELP, type LineCommand, linesToSend, parseLineCommand } from './line-commands.js';
import { type ChatNames, formatMessageLine, sanitizeForTerminal } from './message-line.js';
import { type Addressable, resolveRecipient } from './recipient.js';
import { isShown } from './tui/message-render.js';

export type LineChatEnd = 'quit' | 'end-of-input' | 'logged-out';

export interface LineChatOptions {
  client: WebWxClient;
  io: CliIo;
  /** Keep running when the input ends (the demo without a terminal). Default false. */
  keepAliveOnEof?: boolean;
  /** Pause between the messages of `->all` (default 1500 ms): the server refuses bursts (Ret 1205). */
  broadcastIntervalMs?: number;
  /** Pause between the lines of `m->` (default 300 ms). */
  fileLineIntervalMs?: number;
  /** Most lines `m->` sends from one file (default 200). */
  maxFileLines?: number;
  /** Overrides the client's media actions (tests). */
  actions?: ClientActions;
}

const MEDIA_WORD = { image: 'image', file: 'file', emoticon: 'sticker' } as const;

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

/** The friends `->all` writes to: people in the address book, not groups, official or special accounts. */
export function broadcastTargets(client: WebWxClient): Addressable[] {
  return client.contacts
    .list()
    .filter((c) => c.kind === 'friend')
    .map((c) => ({
      userName: c.userName,
      names: [c.remarkName, c.nickName],
      label: c.remarkName || c.nickName,
    }));
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export function runLineChat(options: LineChatOptions): Promise<LineChatEnd> {
  const { client, io } = options;
  const actions = options.actions ?? clientActions(client);
  const broadcastInterval = options.broadcastIntervalMs ?? 1500;
  const lineInterval = options.fileLineIntervalMs ?? 300;
  const maxFileLines = options.maxFileLines ?? 200;
  const names = chatNames(client);
  const write = (line: string): void => {
    io.stdout.write(`${line}\n`);
  };
  const unsubscribers: (() => void)[] = [];
  const stopping = new AbortController();

  return new Promise<LineChatEnd>((resolve) => {
    const rl = createInterface({ input: io.stdin, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
    let done = false;
    /** A question waiting for y/n: the next line answers it. */
    let pendingQuestion: ((answer: string) => void) | undefined;
    let broadcasting = false;
    const finish = (end: LineChatEnd) => {
      if (done) return;
      done = true;
      stopping.abort();
      for (const off of unsubscribers) off();
      rl.close();
      resolve(end);
    };

    unsubscribers.push(
      client.on('message', (message) => {
        if (isShown(message)) write(formatMessageLine(message, names));
      }),
    );
    unsubscribers.push(
      client.on('logout', ({ reason }) => {
        write(`session ended: ${reason}`);
        finish('logged-out');
      }),
    );

    let queue = Promise.resolve();
    rl.on('line', (line) => {
      if (pendingQuestion) {
        const answer = pendingQuestion;
        pendingQuestion = undefined;
        answer(line);
        return;
      }
      queue = queue
        .then(() => handleLine(line))
        .catch((error: unknown) => write(`error: ${sanitizeForTerminal(describeError(error))}`));
    });
    rl.on('close', () => {
      if (!options.keepAliveOnEof) void queue.then(() => finish('end-of-input'));
    });

    /** The one chat NAME means, or undefined after saying why not. */
    function recipient(name: string): Addressable | undefined {
      const resolution = resolveRecipient(name, addressables(client));
      if (resolution.kind === 'found') return resolution.target;
      if (resolution.kind === 'ambiguous') {
        write(
          `"${sanitizeForTerminal(name)}" matches several chats: ${resolution.matches.map((m) => sanitizeForTerminal(m.label)).join(', ')}`,
        );
        return undefined;
      }
      const hint = resolution.suggestions.length
        ? ` Did you mean: ${resolution.suggestions.map((m) => sanitizeForTerminal(m.label)).join(', ')}?`
        : '';
      write(`no contact or group named "${sanitizeForTerminal(name)}".${hint}`);
      return undefined;
    }

    async function handleLine(line: string): Promise<void> {
      const command: LineCommand = parseLineCommand(line);
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
          write(sanitizeForTerminal(command.reason));
          return;
        case 'send': {
          const target = recipient(command.name);
          if (!target) return;
          await client.sendText(target.userName, command.text);
          write(`sent to ${sanitizeForTerminal(target.label)}`);
          return;
        }
        case 'send-media': {
          const target = recipient(command.name);
          if (!target) return;
          await actions.sendMedia(command.media, target.userName, command.path);
          write(`${MEDIA_WORD[command.media]} sent to ${sanitizeForTerminal(target.label)}`);
          return;
        }
        case 'send-lines': {
          const target = recipient(command.name);
          if (!target) return;
          await sendFileLines(target, command.path);
          return;
        }
        case 'broadcast':
          askBroadcast(command.text);
          return;
      }
    }

    async function sendFileLines(target: Addressable, path: string): Promise<void> {
      const info = await stat(path).catch(() => undefined);
      if (!info?.isFile()) {
        write(`m->: no such file: ${sanitizeForTerminal(path)}`);
        return;
      }
      if (info.size > 1024 * 1024) {
        write('m->: the file is larger than 1 MB; send it with f-> instead');
        return;
      }
      const lines = linesToSend(await readFile(path, 'utf8'));
      if (lines.length > maxFileLines) {
        write(`m->: the file has ${lines.length} lines; at most ${maxFileLines} are sent line by line`);
        return;
      }
      let sent = 0;
      for (const text of lines) {
        if (stopping.signal.aborted) break;
        if (sent > 0) await pause(lineInterval, stopping.signal);
        await client.sendText(target.userName, text);
        sent++;
      }
      write(`sent ${sent} line${sent === 1 ? '' : 's'} to ${sanitizeForTerminal(target.label)}`);
    }

    function askBroadcast(text: string): void {
      if (broadcasting) {
        write('->all: a broadcast is still being sent; wait for it to finish');
        return;
      }
      const targets = broadcastTargets(client);
      if (targets.length === 0) {
        write('->all: no friends to send to');
        return;
      }
      const seconds = Math.ceil(((targets.length - 1) * broadcastInterval) / 1000);
      write(
        `Send this to all ${targets.length} friends (one every ${broadcastInterval / 1000}s, about ${seconds}s)? [y/N]`,
      );
      pendingQuestion = (answer) => {
        if (!isYes(answer)) {
          write('->all: cancelled');
          return;
        }
        broadcasting = true;
        void broadcast(targets, text).finally(() => {
          broadcasting = false;
        });
      };
    }

    async function broadcast(targets: Addressable[], text: string): Promise<void> {
      let sent = 0;
      const failed: string[] = [];
      for (const target of targets) {
        if (stopping.signal.aborted) break;
        if (sent + failed.length > 0) await pause(broadcastInterval, stopping.signal);
        if (stopping.signal.aborted) break;
        try {
          await client.sendText(target.userName, text);
          sent++;
        } catch {
          failed.push(target.label);
        }
      }
      if (done) return;
      const failures = failed.length
        ? `; failed: ${failed.map((f) => sanitizeForTerminal(f)).join(', ')}`
        : '';
      write(`->all: sent to ${sent} of ${targets.length} friends${failures}`);
    }
  });
}

function describeError(error: unknown): string {
  if (error instanceof WebWxError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
