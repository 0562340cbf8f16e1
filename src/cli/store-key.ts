/**
 * The key the CLI seals saved sessions with (docs/sessions.md): WEBWX_STORE_KEY, 32 random bytes in
 * base64 (`openssl rand -base64 32`). Every command that opens a store passes it to the store's
 * session cipher (SqliteStore, PostgresStore). A value that is not such a key is a usage error naming
 * the variable; the value itself is never echoed.
 */
import { CliError, type CliIo } from './cli-io.js';

/** The environment variable of the key. */
export const STORE_KEY_ENV = 'WEBWX_STORE_KEY';

/** The store key from the environment: 32 bytes, or undefined when the variable is unset or empty. */
export function storeKeyFrom(env: CliIo['env']): Uint8Array | undefined {
  const text = env[STORE_KEY_ENV]?.trim();
  if (text === undefined || text === '') return undefined;
  const valid = /^[A-Za-z0-9+/]+={0,2}$/.test(text) && text.length % 4 === 0;
  const key = valid ? Buffer.from(text, 'base64') : undefined;
  if (key === undefined || key.byteLength !== 32)
    throw new CliError(
      `${STORE_KEY_ENV} is not a key: expected 32 bytes in base64 (make one with \`openssl rand -base64 32\`)`,
    );
  return new Uint8Array(key);
}
