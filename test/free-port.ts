/**
 * A loopback port free at the moment of asking, for the throwaway servers that take no port 0
 * (test/postgres-server.ts, test/redis-server.ts): the OS picks one for a listener that is closed at
 * once. Another process may take it before the server binds; the callers retry when it is taken.
 */
import { createServer } from 'node:net';

/** A port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
