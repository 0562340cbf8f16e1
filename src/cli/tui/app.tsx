/**
 * The full-screen terminal client: the login screen until the client is ready, then the chat list,
 * the open chat, the compose box and the status line. Client events (client-events.ts) and key
 * presses (key-presses.ts) go through the pure reducers; the effects they ask for are carried out by
 * the effect runner (effect-runner.ts). This file lays the panes out.
 */
import { Box, Text, useInput, useStdout } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { WebWxClient } from '../../client/index.js';
import type { MessageStore } from '../../store/index.js';
import { type ClientActions, clientActions } from '../client-actions.js';
import type { AutoReplySource } from './auto-reply.js';
import { ChatList } from './chat-list.js';
import { linesOf, totalUnread, visibleChats } from './chat-store.js';
import { ChatView } from './chat-view.js';
import { type ClientEventsContext, senderNameOf, useClientEvents } from './client-events.js';
import { Compose, composeHeight } from './compose.js';
import { useEffectRunner } from './effect-runner.js';
import { HelpOverlay } from './help-overlay.js';
import { handleKey } from './key-presses.js';
import { LoginScreen } from './login-screen.js';
import { StatusLine } from './status-line.js';
import { createTuiModel } from './tui-model.js';
import { initialState } from './tui-state.js';

/** What the terminal client is given: the client, and what the effects need. */
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

/** The terminal client as one ink component. */
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
  const quitRef = useRef(false);

  const quit = useCallback(
    (interrupt: boolean) => {
      if (quitRef.current) return;
      quitRef.current = true;
      props.onQuit({ interrupt });
    },
    [props.onQuit],
  );

  const runner = useEffectRunner({
    client,
    actions,
    model,
    now,
    autoReply: props.autoReply,
    downloadDir: props.downloadDir,
    openFile: props.openFile,
    quit,
  });
  // What the event listeners, subscribed once per client, read from the latest render.
  const context: ClientEventsContext = {
    now,
    autoReply: props.autoReply,
    autoReplyOn: runner.autoReplyOn,
    sendText: runner.sendText,
  };
  const latest = useRef(context);
  latest.current = context;
  useClientEvents(client, model, latest);

  useInput((input, key) => {
    const result = handleKey(
      model.get(),
      { ...key, input },
      props.home === undefined ? {} : { home: props.home },
    );
    model.set(result.state);
    for (const effect of result.effects) runner.run(effect);
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
                  {...(runner.historyNote[open] ? { historyNote: runner.historyNote[open] } : {})}
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
