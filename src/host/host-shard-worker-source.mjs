// A host shard's entry when webwx runs from its TypeScript sources (vitest, `node --import tsx`); the
// package's bundle has its own JavaScript entry instead (scripts/build.ts). tsx does not register its
// hooks in a worker thread on Node 20 when given as `--import`, so this file registers them and then
// loads the shard's module (host-shard-worker.ts; threaded-host.ts starts it).
import { register } from 'tsx/esm/api';

register();
await import('./host-shard-worker.ts');
