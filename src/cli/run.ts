/** Runs the `webwx` command from source (e.g. `node --import tsx src/cli/run.ts demo`), like bin/webwx.js. */
import { main } from './main.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
    // Anything still holding the event loop must not keep the command alive.
    setTimeout(() => process.exit(code), 1000).unref();
  },
  (error: unknown) => {
    process.stderr.write(
      `webwx: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
