#!/usr/bin/env node
import { main } from '../dist/cli/main.js';

main(process.argv).then(
  (code) => {
    process.exitCode = code;
    // Output is flushed by now; anything still holding the event loop must not keep the command alive.
    setTimeout(() => process.exit(code), 1000).unref();
  },
  (error) => {
    process.stderr.write(
      `webwx: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
