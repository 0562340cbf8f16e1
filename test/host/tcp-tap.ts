/**
 * A TCP tap for the worker tests: listens on a loopback port and forwards every connection to a
 * target port, keeping the first line of each HTTP request that passes (with when it passed), so a
 * test can tell what one worker process sent to the emulator and when. The Host header is rewritten
 * to the target's port (the emulator refuses a Host that is not its own address). `delayMs` holds
 * every answer back that long (a database far away). With `pids`, each request says which of those
 * processes sent it (read from /proc: Linux only).
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface TappedRequest {
  /** `POST /cgi-bin/mmwebwx-bin/webwxsync?… HTTP/1.1` */
  line: string;
  /** performance.now() when it passed. */
  at: number;
  /** The pid of the process whose connection it came on, when the tap was asked to tell (`pids`). */
  pid?: number;
}

/** The inode of the loopback TCP socket from `localPort` to `remotePort` (/proc/net/tcp), if any. */
function socketInode(localPort: number, remotePort: number): string | undefined {
  const hex = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
  for (const row of readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1)) {
    const f = row.trim().split(/\s+/);
    if (f[1]?.endsWith(`:${hex(localPort)}`) && f[2]?.endsWith(`:${hex(remotePort)}`)) return f[9];
  }
  return undefined;
}

/** Which of `pids` holds the socket `inode` (its /proc/<pid>/fd links), if any. */
function ownerOf(inode: string, pids: readonly number[]): number | undefined {
  for (const pid of pids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        try {
          if (readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) return pid;
        } catch {}
      }
    } catch {}
  }
  return undefined;
}

export interface TcpTap {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** Every request line so far. */
  requests: TappedRequest[];
  close(): Promise<void>;
}

const REQUEST_LINE = /^(GET|POST|PUT|DELETE|HEAD|OPTIONS) \S+ HTTP\/1\.[01]$/;

/** Starts a tap in front of 127.0.0.1:`targetPort`. */
export async function startTcpTap(
  targetPort: number,
  options: { delayMs?: number; pids?: () => readonly number[] } = {},
): Promise<TcpTap> {
  const delayMs = options.delayMs ?? 0;
  const requests: TappedRequest[] = [];
  let ownHost = /^$/;
  let port = 0;
  const emulatorAddress = new RegExp(`127\\.0\\.0\\.1:${targetPort}`, 'g');
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    sockets.add(client).add(upstream);
    // Whose connection this is (Linux: the socket's inode among the processes' descriptors).
    let pid: number | undefined;
    if (options.pids && client.remotePort !== undefined) {
      const inode = socketInode(client.remotePort, port);
      pid = inode === undefined ? undefined : ownerOf(inode, options.pids());
    }
    client.on('data', (chunk: Buffer) => {
      const text = chunk.toString('latin1');
      // Request lines start a line of their own; bodies are form or JSON text, never one of these.
      for (const line of text.split('\r\n')) {
        if (REQUEST_LINE.test(line))
          requests.push({ line, at: performance.now(), ...(pid !== undefined ? { pid } : {}) });
      }
      upstream.write(Buffer.from(text.replace(ownHost, `\r\nHost: 127.0.0.1:${targetPort}\r\n`), 'latin1'));
    });
    client.on('end', () => upstream.end());
    // The emulator's own address in its answers (the login's redirect) becomes the tap's, so the
    // session's requests come through the tap too (both ports are ephemeral: five digits, same length).
    const answer = (chunk: Buffer) =>
      Buffer.from(chunk.toString('latin1').replace(emulatorAddress, `127.0.0.1:${port}`), 'latin1');
    // Equal delays fire in order: the answers keep theirs.
    upstream.on('data', (chunk: Buffer) =>
      delayMs === 0 ? client.write(answer(chunk)) : setTimeout(() => client.write(answer(chunk)), delayMs),
    );
    upstream.on('end', () => setTimeout(() => client.end(), delayMs));
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  ownHost = new RegExp(`\\r\\nHost: 127\\.0\\.0\\.1:${port}\\r\\n`, 'gi');
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
