/**
 * The effect runner: carries out what the key reducer (key-presses.ts) asks for — sending, the slash
 * commands (media, recall, forward, save, open), history pages, the auto-reply toggle, quitting — and
 * reports the outcome back as reducer actions.
 */
import { spawn } from 'node:child_process';
import { useRef, useState } from 'react';
import type { WebWxClient } from '../../client/index.js';
import type { Contact, Message } from '../../model/index.js';
import type { ClientActions } from '../client-actions.js';
import { addressables } from '../line-chat.js';
import { resolveRecipient } from '../recipient.js';
import type { AutoReplySource } from './auto-reply.js';
import { type ChatLine, lastSentLine, linesOf } from './chat-store.js';
import { describeError } from './client-events.js';
import type { ComposeCommand, MediaKind } from './compose-commands.js';
import type { Effect } from './key-presses.js';
import { hasMedia } from './message-render.js';
import type { TuiModel } from './tui-model.js';

let localCounter = 0;

/** A message the user sent from here, for the chat view (the server does not echo it back). */
export function localMessage(
  chat: string,
  isRoom: boolean,
  self: Contact | undefined,
  text: string,
  id: string,
): Message {
  localCounter++;
  return {
    kind: 'text',
    id: id || `local-${localCounter}`,
    createTime: Math.floor(Date.now() / 1000),
    chat: { userName: chat, isRoom },
    sender: { userName: self?.userName ?? '', displayName: '' },
    isSelf: true,
    text,
    mentions: [],
    mentionsSelf: false,
    raw: {} as Message['raw'],
  };
}

function defaultOpen(path: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [path]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', path]]
        : ['xdg-open', [path]];
  try {
    const child = spawn(command, args as string[], { detached: true, stdio: 'ignore' });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    // Nothing to open with: the notice already says where the file is.
  }
}

const MEDIA_NAMES: Record<MediaKind, string> = {
  image: 'image',
  file: 'file',
  emoticon: 'sticker',
  video: 'video',
};

/** What the effect runner works with. */
export interface EffectRunnerOptions {
  client: WebWxClient;
  actions: ClientActions;
  model: TuiModel;
  now(): number;
  autoReply: AutoReplySource | undefined;
  /** Where /save and `s` write when no DIR is given. */
  downloadDir: string | undefined;
  openFile: ((path: string) => void) | undefined;
  quit(interrupt: boolean): void;
}

/** The runner of one app: `run` carries out an effect; `historyNote` says per chat what history there is. */
export interface EffectRunner {
  run(effect: Effect): void;
  sendText(chat: string, text: string): Promise<void>;
  /** Whether the auto-reply is on (Ctrl+T). */
  autoReplyOn(): boolean;
  /** Per chat: a note shown above its oldest message ('' when history loaded). */
  historyNote: Record<string, string>;
}

/** The effect runner of the app (a hook: it keeps the history cursors and notes across renders). */
export function useEffectRunner(options: EffectRunnerOptions): EffectRunner {
  const { client, actions, model, now } = options;
  const [historyNote, setHistoryNote] = useState<Record<string, string>>({});
  const autoReplyOn = useRef(false);
  /** Per chat: the cursor of the next older history page (undefined: none), and whether one is loading. */
  const historyCursor = useRef(new Map<string, { before: number | undefined; loading: boolean }>());
  const isRoom = (chat: string) => client.contacts.room(chat) !== undefined || chat.startsWith('@@');
  const notice = (text: string, error = false) => model.dispatch({ type: 'notice', text, error });

  async function sendText(chat: string, text: string): Promise<void> {
    try {
      const sent = await actions.sendText(chat, text);
      model.dispatch({
        type: 'message',
        message: localMessage(chat, isRoom(chat), client.self, text, sent.msgId),
        now: now(),
        sent,
      });
    } catch (error) {
      const message = localMessage(chat, isRoom(chat), client.self, text, '');
      model.dispatch({ type: 'message', message, now: now() });
      model.dispatch({ type: 'line-update', chat, id: message.id, failed: describeError(error) });
    }
  }

  function targetLine(chat: string, line: number | undefined, wantMedia: boolean): ChatLine | undefined {
    const lines = linesOf(model.get().store, chat);
    if (line !== undefined) return lines[line];
    for (let i = lines.length - 1; i >= 0; i--) {
      const candidate = lines[i]!;
      if (!wantMedia || hasMedia(candidate.message)) return candidate;
    }
    return undefined;
  }

  async function runCommand(chat: string, command: ComposeCommand, line: number | undefined): Promise<void> {
    try {
      switch (command.kind) {
        case 'send-media': {
          const sent = await actions.sendMedia(command.media, chat, command.path);
          const name = command.path.split(/[\\/]/).pop() ?? command.path;
          const text = `[${MEDIA_NAMES[command.media]} ${name}]`;
          model.dispatch({
            type: 'message',
            message: localMessage(chat, isRoom(chat), client.self, text, sent.msgId),
            now: now(),
            sent,
          });
          notice(`${MEDIA_NAMES[command.media]} sent`);
          return;
        }
        case 'revoke': {
          const store = model.get().store;
          const target = line !== undefined ? linesOf(store, chat)[line] : lastSentLine(store, chat);
          if (!target || target.sent === undefined) {
            notice('nothing to recall: send a message from here first', true);
            return;
          }
          await actions.revoke(target.sent, chat);
          model.dispatch({ type: 'line-update', chat, id: target.message.id, revoked: true });
          notice('message recalled');
          return;
        }
        case 'forward': {
          const target = targetLine(chat, line, false);
          if (!target) {
            notice('nothing to forward in this chat', true);
            return;
          }
          const resolution = resolveRecipient(command.to, addressables(client));
          if (resolution.kind !== 'found') {
            const list = resolution.kind === 'ambiguous' ? resolution.matches : resolution.suggestions;
            notice(
              `${resolution.kind === 'ambiguous' ? 'several chats match' : 'no chat named'} "${command.to}"${list.length ? `: ${list.map((m) => m.label).join(', ')}` : ''}`,
              true,
            );
            return;
          }
          await actions.forward(target.message, resolution.target.userName);
          notice(`forwarded to ${resolution.target.label}`);
          return;
        }
        case 'save':
        case 'open': {
          const target = targetLine(chat, line, true);
          if (!target || !hasMedia(target.message)) {
            notice('no media to save in this chat', true);
            return;
          }
          const dir = command.kind === 'save' ? (command.dir ?? options.downloadDir) : options.downloadDir;
          const path = await actions.download(target.message, dir);
          notice(`saved to ${path}`);
          if (command.kind === 'open') (options.openFile ?? defaultOpen)(path);
          return;
        }
        default:
          return;
      }
    } catch (error) {
      notice(describeError(error), true);
    }
  }

  async function loadHistory(chat: string, first: boolean): Promise<void> {
    const cursor = historyCursor.current.get(chat);
    if (first ? historyNote[chat] !== undefined : !cursor || cursor.loading || cursor.before === undefined)
      return;
    historyCursor.current.set(chat, { before: cursor?.before, loading: true });
    try {
      const before = first ? undefined : cursor?.before;
      const page = await actions.history(chat, { limit: 50, ...(before !== undefined ? { before } : {}) });
      if (page === undefined) {
        setHistoryNote((n) => ({ ...n, [chat]: 'earlier messages: none kept (no message store)' }));
        return;
      }
      historyCursor.current.set(chat, { before: page.before, loading: false });
      setHistoryNote((n) => ({ ...n, [chat]: '' }));
      model.dispatch({ type: 'history', chat, messages: page.messages });
    } catch (error) {
      historyCursor.current.set(chat, { before: undefined, loading: false });
      setHistoryNote((n) => ({
        ...n,
        [chat]: `earlier messages could not be loaded: ${describeError(error)}`,
      }));
    }
  }

  function run(effect: Effect): void {
    switch (effect.kind) {
      case 'quit':
        options.quit(effect.interrupt ?? false);
        return;
      case 'send-text':
        void sendText(effect.chat, effect.text);
        return;
      case 'command':
        void runCommand(effect.chat, effect.command, effect.line);
        return;
      case 'open-chat':
        void loadHistory(effect.chat, true);
        return;
      case 'older':
        void loadHistory(effect.chat, false);
        return;
      case 'toggle-auto-reply':
        if (!options.autoReply) {
          notice('auto-reply is not available here', true);
          return;
        }
        autoReplyOn.current = !autoReplyOn.current;
        model.dispatch({ type: 'auto-reply', on: autoReplyOn.current });
        return;
    }
  }

  return { run, sendText, autoReplyOn: () => autoReplyOn.current, historyNote };
}
