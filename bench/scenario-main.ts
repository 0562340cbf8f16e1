/**
 * A scenario's own process (proc.ts#forkScenario): `scenario-main.ts <name> <json options>`; sends
 * `{ type: 'result', result }` to the parent over IPC, then exits.
 */
import { type DecodeOptions, runDecode } from './scenario-decode.js';
import { type EchoOptions, runEcho } from './scenario-echo.js';
import { type FailoverOptions, runFailover } from './scenario-failover.js';
import { type IdleOptions, runIdle } from './scenario-idle.js';
import { type LoginOptions, runLogin } from './scenario-login.js';
import { type RestartOptions, runRestart } from './scenario-restart.js';
import { runScale, type ScaleOptions } from './scenario-scale.js';

async function main(): Promise<void> {
  const [name, json] = process.argv.slice(2);
  const options = JSON.parse(json ?? '{}') as unknown;
  let result: unknown;
  switch (name) {
    case 'echo':
      result = await runEcho(options as EchoOptions);
      break;
    case 'login':
      result = await runLogin(options as LoginOptions);
      break;
    case 'decode':
      result = runDecode(options as DecodeOptions);
      break;
    case 'restart':
      result = await runRestart(options as RestartOptions);
      break;
    case 'idle':
      result = await runIdle(options as IdleOptions);
      break;
    case 'scale':
      result = await runScale(options as ScaleOptions);
      break;
    case 'failover':
      result = await runFailover(options as FailoverOptions);
      break;
    default:
      throw new Error(`unknown scenario ${name}`);
  }
  process.send?.({ type: 'result', result });
  process.disconnect?.();
}

main().catch((error: unknown) => {
  process.stderr.write(
    `scenario failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.send?.({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
  process.exitCode = 2;
});
