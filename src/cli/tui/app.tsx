/**
 * The full-screen terminal client: the login screen until the client is ready, then the chat list,
 * the open chat, the compose box and the status line. Client events and key presses go through the
 * pure reducer (tui-state.ts); the effects it asks for (send, save, open…) are carried out here.
 */
import { spawn } from 'node:child_process';
import { Box, Text, useInput, useStdout } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { WebWxClient } from '../../client/index.js';
import type { Contact, Message, Room } from '../../model/index.js';
import type { MessageStore } from '../../store/index.js';
import { type ClientActions, clientActions, type SentRef } from '../client-actions.js';
import { addressables } from '../line-chat.js';
import { resolveRecipient } from '../recipient.js';
import type { AutoReplySource } from './auto-reply.js';
import { ChatList } from './chat-list.js';
import {
  type ChatLine,
  type ChatSeed,
  lastSentLine,
  linesOf,
  totalUnread,
  visibleChats,
} from './chat-store.js';
import { ChatView } from './chat-view.js';
import { Compose, composeHeight } from './compose.js';
import type { ComposeCommand, MediaKind } from './compose-commands.js';
import { HelpOverlay } from './help-overlay.js';
import { LoginScreen } from './login-screen.js';
import { hasMedia } from './message-render.js';
import { StatusLine } from './status-line.js';
import {
  type Effect,
  handleKey,
  initialState,
  type KeyPress,
  reduce,
  type TuiAction,
  type TuiState,
} from './tui-state.js';

export interface TuiAppProps {
  client: WebWxClient;
  actions?: ClientActions;
  /** The message log that history comes from (when `actions` is not given). */
  messageStore?: MessageStore;
  /** The auto-reply toggled by Ctrl+T. */
  autoReply?: AutoReplySource;
  /** A fixed size (tests); else the terminal's, following resizes. */
  size?: { columns: number; rows: number };
  /** For `~/` in paths. */
  home?: string;
  /** Where /save and `s` write when no DIR is given. */
  downloadDir?: string;
  /** Called once when the user quits (`interrupt`: Ctrl+C rather than q or /quit). */
  onQuit(how: { interrupt: boolean }): void;
  /** Opens a saved file (default: xdg-open / open / start, detached). */
  openFile?(path: string): void;
  now?: () => number;
}

/** A tiny external store, so the reducer's state and its effects stay outside React. */
export interface TuiModel {
  get(): TuiState;
  dispatch(action: TuiAction): void;
  set(state: TuiState): void;
  subscribe(listener: () => void): () => void;
}

export function createTuiModel(initial: TuiState): TuiModel {
  let state = initial;
  const listeners = new Set<() => void>();
  const set = (next: TuiState) => {
    if (next === state) return;
    state = next;
    for (const l of listeners) l();
  };
  return {
    get: () => state,
    set,
    dispatch: (action) => set(reduce(state, action)),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** The chat list's entries from the contact directory: friends, groups, official accounts, filehelper. */
export function chatSeeds(contacts: readonly Contact[], rooms: readonly Room[]): ChatSeed[] {
  const people = contacts
    .filter(
      (c) =>
        c.kind === 'friend' || c.kind === 'official' || (c.kind === 'special' && c.userName === 'filehelper'),
    )
    .map(
      (c): ChatSeed => ({
        id: c.userName,
        title: c.remarkName || c.nickName || c.userName,
        isRoom: false,
        pinned: c.pinned,
        muted: c.muted,
        searchNames: [
          c.remarkName,
          c.nickName,
          c.alias,
          c.pinyin.remark,
          c.pinyin.remarkInitials,
          c.pinyin.nick,
          c.pinyin.nickInitials,
        ].filter((n) => n),
      }),
    );
  const groups = rooms.map(
    (r): ChatSeed => ({
      id: r.userName,
      title: r.topic || `group (${r.memberCount})`,
      isRoom: true,
      pinned: false,
      muted: r.muted,
      searchNames: [r.topic].filter((n) => n),
    }),
  );
  return [...people, ...groups];
}

function selfNamesOf(client: WebWxClient): string[] {
  const self = client.self;
  if (!self) return [];
  const names = new Set<string>([self.nickName]);
  for (const room of client.contacts.rooms()) {
    const me = room.members.find((m) => m.userName === self.userName);
    if (me?.displayName) names.add(me.displayName);
  }
  return [...names].filter((n) => n);
}

export function senderNameOf(client: WebWxClient, message: Message): string {
  if (message.isSelf) return 'me';
  if (message.sender.displayName) return message.sender.displayName;
  const userName = message.sender.userName;
  if (message.chat.isRoom) {
    const member = client.contacts.room(message.chat.userName)?.members.find((m) => m.userName === userName);
    if (member) return member.displayName || member.nickName;
  }
  const contact = client.contacts.get(userName);
  if (contact) return contact.remarkName || contact.nickName;
  return userName.length > 12 ? `${userName.slice(0, 10)}…` : userName;
}

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
  } as Message;
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

function useTerminalSize(fixed: TuiAppProps['size']): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = useCallback(() => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 }), [stdout]);
  const [size, setSize] = useState(read);
  useEffect(() => {
    if (fixed) return;
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout, fixed, read]);
  return fixed ?? size;
}

const describeError = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const MEDIA_NAMES: Record<MediaKind, string> = {
  image: 'image',
  file: 'file',
  emoticon: 'sticker',
  video: 'video',
};

export function TuiApp(props: TuiAppProps) {
  const { client } = props;
  const now = props.now ?? Date.now;
  const actions = useMemo(
    () =>
      props.actions ?? clientActions(client, props.messageStore ? { messageStore: props.messageStore } : {}),
    [props.actions, props.messageStore, client],
  );
  const model = useMemo(
    () => createTuiModel(initialState({ autoReplySource: props.autoReply?.label ?? '' })),
    [props.autoReply],
  );
  const state = useSyncExternalStore(model.subscribe, model.get);
  const size = useTerminalSize(props.size);
  const [historyNote, setHistoryNote] = useState<Record<string, string>>({});
  const quitRef = useRef(false);
  const autoReplyOn = useRef(false);

  const quit = useCallback(
    (interrupt: boolean) => {
      if (quitRef.current) return;
      quitRef.current = true;
      props.onQuit({ interrupt });
    },
    [props.onQuit],
  );

  // What the event handlers need from the latest render (they are subscribed once per client).
  const latest = useRef({
    sendText: (_chat: string, _text: string): Promise<void> => Promise.resolve(),
    now,
    autoReply: props.autoReply,
  });

  // Client events → actions.
  useEffect(() => {
    const seed = () =>
      model.dispatch({ type: 'chats', seeds: chatSeeds(client.contacts.list(), client.contacts.rooms()) });
    const on = client.on.bind(client) as (event: string, listener: (payload: never) => void) => () => void;
    const offs = [
      client.on('state', (s) => {
        model.dispatch({ type: 'client-state', state: s });
        // Back to ready (after loading or a reconnection): the sync works.
        if (s === 'ready') model.dispatch({ type: 'sync-ok', now: latest.current.now() });
      }),
      client.on('qr', (qr) => model.dispatch({ type: 'qr', terminal: qr.terminal, url: qr.url })),
      client.on('scanned', (payload) => {
        const name = (payload as { nickName?: unknown }).nickName;
        model.dispatch({ type: 'scanned', ...(typeof name === 'string' ? { name } : {}) });
      }),
      client.on('login', ({ self }) =>
        model.dispatch({ type: 'login', account: self.nickName, selfNames: [self.nickName] }),
      ),
      client.on('ready', ({ self }) => {
        seed();
        model.dispatch({ type: 'login', account: self.nickName, selfNames: selfNamesOf(client) });
        model.dispatch({ type: 'ready' });
      }),
      client.on('message', (message) => {
        const fallback = chatSeeds(
          [client.contacts.get(message.chat.userName)].filter((c): c is Contact => c !== undefined),
          [client.contacts.room(message.chat.userName)].filter((r): r is Room => r !== undefined),
        )[0];
        model.dispatch({
          type: 'message',
          message,
          now: latest.current.now(),
          senderName: senderNameOf(client, message),
          ...(fallback ? { fallback } : {}),
        });
        const { autoReply } = latest.current;
        if (autoReplyOn.current && autoReply) {
          autoReply.replyTo(message, latest.current.now()).then(
            (reply) => {
              if (reply && autoReplyOn.current) void latest.current.sendText(message.chat.userName, reply);
            },
            (error: unknown) =>
              model.dispatch({
                type: 'notice',
                text: `auto-reply failed: ${describeError(error)}`,
                error: true,
              }),
          );
        }
      }),
      client.on('logout', ({ reason }) => model.dispatch({ type: 'logout', reason })),
      on('login-step', (payload: never) => {
        const p = payload as { step?: unknown; outcome?: unknown; reason?: unknown };
        model.dispatch({
          type: 'login-step',
          step: String(p.step),
          outcome: String(p.outcome),
          ...(typeof p.reason === 'string' ? { reason: p.reason } : {}),
        });
      }),
      on('relogin', () => model.dispatch({ type: 'notice', text: 'the session ended: logging in again…' })),
      client.on('error', (error) =>
        model.dispatch({ type: 'sync-error', message: error.message, now: latest.current.now() }),
      ),
      // Contact changes (when the client reports them).
      on('contact-added', seed),
      on('contact-updated', seed),
      on('room-updated', seed),
      on('contact-removed', (payload: never) => {
        const userName = (payload as { userName?: unknown }).userName;
        if (typeof userName === 'string') model.dispatch({ type: 'chats-removed', ids: [userName] });
      }),
    ];
    if (client.state === 'ready' && client.self) {
      seed();
      model.dispatch({ type: 'login', account: client.self.nickName, selfNames: selfNamesOf(client) });
      model.dispatch({ type: 'ready' });
    }
    return () => {
      for (const off of offs) off();
    };
  }, [client, model]);

  const isRoom = (chat: string) => client.contacts.room(chat) !== undefined || chat.startsWith('@@');

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

  latest.current = { sendText, now, autoReply: props.autoReply };

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
    const notice = (text: string, error = false) => model.dispatch({ type: 'notice', text, error });
    try {
      switch (command.kind) {
        case 'send-media': {
          const sent: SentRef = await actions.sendMedia(command.media, chat, command.path);
          const name = command.path.split(/[\\/]/).pop() ?? command.path;
          model.dispatch({
            type: 'message',
            message: localMessage(
              chat,
              isRoom(chat),
              client.self,
              `[${MEDIA_NAMES[command.media]} ${name}]`,
              sent.msgId,
            ),
            now: now(),
            sent,
          });
          notice(`${MEDIA_NAMES[command.media]} sent`);
          return;
        }
        case 'revoke': {
          const target =
            line !== undefined
              ? linesOf(model.get().store, chat)[line]
              : lastSentLine(model.get().store, chat);
          if (!target || target.sent === undefined) {
            notice('nothing to recall: send a message from here first', true);
            return;
          }
          await actions.revoke(target.sent as SentRef, chat);
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
          const dir = command.kind === 'save' ? (command.dir ?? props.downloadDir) : props.downloadDir;
          const path = await actions.download(target.message, dir);
          notice(`saved to ${path}`);
          if (command.kind === 'open') (props.openFile ?? defaultOpen)(path);
          return;
        }
        default:
          return;
      }
    } catch (error) {
      notice(describeError(error), true);
    }
  }

  /** Per chat: the cursor of the next older history page (undefined: none), and whether one is loading. */
  const historyCursor = useRef(new Map<string, { before: number | undefined; loading: boolean }>());

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
        quit(effect.interrupt ?? false);
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
        if (!props.autoReply) {
          model.dispatch({ type: 'notice', text: 'auto-reply is not available here', error: true });
          return;
        }
        autoReplyOn.current = !autoReplyOn.current;
        model.dispatch({ type: 'auto-reply', on: autoReplyOn.current });
        return;
    }
  }

  useInput((input, key) => {
    const press: KeyPress = { ...key, input };
    const result = handleKey(model.get(), press, props.home === undefined ? {} : { home: props.home });
    model.set(result.state);
    for (const effect of result.effects) run(effect);
  });

  const width = Math.max(20, size.columns);
  // One row fewer than the terminal, so ink never needs to clear the whole screen.
  const height = Math.max(6, size.rows - 1);
  const nowMs = now();
  if (state.screen === 'login') {
    return <LoginScreen login={state.login} width={width} height={height} />;
  }
  const bodyHeight = height - 1;
  const status = (
    <StatusLine
      status={state.status}
      notice={state.notice}
      unread={totalUnread(state.store)}
      width={width}
      now={nowMs}
    />
  );
  if (state.help) {
    return (
      <Box flexDirection="column" width={width} height={height}>
        <HelpOverlay width={width} height={bodyHeight} />
        {status}
      </Box>
    );
  }
  const chats = visibleChats(state.store, state.query);
  const open = state.store.open;
  const openSummary = open ? state.store.chats.get(open) : undefined;
  const twoPanes = width >= 60;
  const showList = twoPanes || !open || state.focus === 'list' || state.focus === 'search';
  const showChat = twoPanes || !showList;
  const listWidth = twoPanes ? Math.min(36, Math.max(22, Math.floor(width * 0.32))) : width;
  const rightWidth = twoPanes ? width - listWidth - 1 : width;
  const maxComposeRows = Math.max(1, Math.min(4, bodyHeight - 8));
  const compHeight = open ? composeHeight(state.compose, rightWidth, maxComposeRows) : 0;
  const room = open ? client.contacts.room(open) : undefined;
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Box flexDirection="row" width={width} height={bodyHeight}>
        {showList ? (
          <ChatList
            chats={chats}
            selected={state.selected}
            query={state.query}
            searching={state.focus === 'search'}
            focused={state.focus === 'list' || state.focus === 'search'}
            openId={open}
            width={listWidth}
            height={bodyHeight}
            now={nowMs}
          />
        ) : null}
        {twoPanes ? (
          <Box flexDirection="column" width={1} height={bodyHeight}>
            <Text dimColor>{Array.from({ length: bodyHeight }, () => '│').join('\n')}</Text>
          </Box>
        ) : null}
        {showChat ? (
          <Box flexDirection="column" width={rightWidth} height={bodyHeight}>
            {open && openSummary ? (
              <>
                <ChatView
                  title={openSummary.title}
                  isRoom={openSummary.isRoom}
                  {...(room ? { memberCount: room.memberCount } : {})}
                  lines={linesOf(state.store, open)}
                  width={rightWidth}
                  height={bodyHeight - compHeight}
                  scroll={state.scroll}
                  selectedLine={state.selectedLine}
                  selfNames={state.selfNames}
                  senderName={(l) => senderNameOf(client, l.message)}
                  {...(historyNote[open] ? { historyNote: historyNote[open] } : {})}
                />
                <Compose
                  value={state.compose}
                  cursor={state.composeCursor}
                  focused={state.focus === 'compose'}
                  width={rightWidth}
                  maxRows={maxComposeRows}
                  placeholder="type a message, Enter to send, /help for commands"
                />
              </>
            ) : (
              <Box flexDirection="column" width={rightWidth} height={bodyHeight} paddingLeft={1}>
                <Text dimColor>Select a chat with ↑ ↓ and press Enter.</Text>
                <Text dimColor>/ searches by name or pinyin, ? shows every key.</Text>
              </Box>
            )}
          </Box>
        ) : null}
      </Box>
      {status}
    </Box>
  );
}
