/** The bottom line: connection state, account, sync health, auto-reply, unread count, and notices. */
import { Text } from 'ink';
import { padTo, textWidth, truncate } from './text-width.js';
import type { Notice, StatusInfo } from './tui-state.js';

export interface StatusLineProps {
  status: StatusInfo;
  notice: Notice | undefined;
  unread: number;
  width: number;
  now: number;
}

export function syncHealth(status: StatusInfo, now: number): { text: string; ok: boolean } {
  if (status.connection === 'logged-out' || status.connection === 'stopped')
    return { text: 'offline', ok: false };
  // Recovered errors count as trouble for a minute; after that the sync is taken to be fine again.
  if (status.errors > 0 && now - status.lastErrorAt < 60_000) {
    return { text: `sync retrying (${status.errors})`, ok: false };
  }
  if (status.lastActivity === 0) return { text: 'sync ok', ok: true };
  const ago = Math.max(0, Math.round((now - status.lastActivity) / 1000));
  return { text: ago < 60 ? 'sync ok' : `sync ok, quiet ${Math.floor(ago / 60)}m`, ok: true };
}

export function statusText(status: StatusInfo, unread: number, now: number): string {
  const parts = [
    status.connection === 'ready' ? '● online' : `○ ${status.connection}`,
    status.account || undefined,
    syncHealth(status, now).text,
    `auto-reply ${status.autoReply ? `on${status.autoReplySource ? ` (${status.autoReplySource})` : ''}` : 'off'}`,
    unread > 0 ? `${unread} unread` : undefined,
    '? help',
  ];
  return ` ${parts.filter((p) => p).join(' │ ')}`;
}

export function StatusLine({ status, notice, unread, width, now }: StatusLineProps) {
  const text = statusText(status, unread, now);
  const ok = status.connection === 'ready' && syncHealth(status, now).ok;
  if (notice) {
    const left = truncate(` ${notice.text}`, Math.max(10, width - Math.min(textWidth(text), 24)));
    return (
      <Text>
        <Text color={notice.error ? 'red' : 'green'} bold>
          {left}
        </Text>
        <Text inverse>{padTo(truncate(text, width - textWidth(left)), width - textWidth(left))}</Text>
      </Text>
    );
  }
  return (
    <Text inverse color={ok ? undefined : 'yellow'}>
      {padTo(text, width)}
    </Text>
  );
}
