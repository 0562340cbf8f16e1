/**
 * The CLI's data directory (docs/sessions.md): `--data-dir DIR`, else WEBWX_DATA_DIR, else the
 * platform's usual place (env-paths: ~/.local/share/webwx on Linux, ~/Library/Application
 * Support/webwx on macOS, %LOCALAPPDATA%\webwx\Data on Windows). `webwx login` keeps its SQLite store
 * (session, contacts, message log) there, so a restart resumes without a QR code: webwx.db for the
 * main web, webwx-filehelper.db for the File Transfer web (`--app filehelper`); cli-store.ts opens it.
 * Light on purpose: `webwx` resolves the directory before it loads a command's modules.
 */
import envPaths from 'env-paths';
import type { WebApp, WebWxClient } from '../client/index.js';
import type { CliIo } from './cli-io.js';

/** The file name of the CLI's store inside the data directory (the main web's session). */
export const STORE_FILE = 'webwx.db';

/**
 * The store file of an app's session: webwx.db for the main web, webwx-filehelper.db for the File
 * Transfer web, side by side, so switching `--app` never replaces the other app's saved session.
 */
export function storeFileOf(app: WebApp): string {
  return app === 'filehelper' ? 'webwx-filehelper.db' : STORE_FILE;
}

export function resolveDataDir(flag: string | undefined, env: CliIo['env']): string {
  if (flag !== undefined && flag.trim() !== '') return flag;
  const fromEnv = env.WEBWX_DATA_DIR;
  if (fromEnv !== undefined && fromEnv.trim() !== '') return fromEnv;
  return envPaths('webwx', { suffix: '' }).data;
}

/** Prints the hot-reload steps (resume, push login, QR) as they happen. Returns the unsubscribe function. */
export function reportLoginSteps(client: WebWxClient, io: CliIo): () => void {
  return client.on('login-step', ({ step, outcome }) => {
    const line =
      step === 'resume' && outcome === 'trying'
        ? 'Resuming the saved session…'
        : step === 'resume' && outcome === 'failed'
          ? 'The saved session is over.'
          : step === 'push' && outcome === 'trying'
            ? 'Asked your phone to confirm the login…'
            : step === 'push' && outcome === 'failed'
              ? 'The phone did not confirm; showing a QR code instead.'
              : undefined;
    if (line) io.stdout.write(`${line}\n`);
  });
}
