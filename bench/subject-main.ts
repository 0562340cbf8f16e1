/**
 * The child process that hosts the client(s) under test, so that their CPU and RSS are measured
 * alone (the emulator and the phone live in the driver process). Started by proc.ts#forkSubject with
 * one JSON argument (SubjectArgs); talks to the driver over IPC (SubjectMessage / DriverMessage).
 * Bounded: it exits by itself after `maxLifetimeMs`, or when the driver goes away.
 */
import { type DriverMessage, processUsage, type SubjectArgs, type SubjectMessage } from './proc.js';
import { type OpenSession, openSession, preload, type SessionCounts } from './subjects.js';

const usage = processUsage;

function send(message: SubjectMessage): void {
  process.send?.(message);
}

async function main(): Promise<void> {
  const args = JSON.parse(process.argv[2] ?? '{}') as SubjectArgs;
  const lifetime = setTimeout(() => process.exit(3), args.maxLifetimeMs);
  lifetime.unref();
  process.on('disconnect', () => process.exit(0));
  await preload(args.impl);
  (globalThis as { gc?: () => void }).gc?.();
  const baseline = usage();
  const sessions: OpenSession[] = [];
  let loggedInAt: number | undefined;
  const total: SessionCounts = { contacts: 0, rooms: 0, members: 0 };
  for (let i = 0; i < args.sessions; i++) {
    const s = await openSession(args.impl, {
      baseUrl: args.baseUrl,
      echo: args.echo,
      expectContacts: args.expectContacts,
      ...(args.bot ? { bot: args.bot } : {}),
      onLoggedIn: () => {
        loggedInAt ??= Date.now();
      },
    });
    sessions.push(s);
    total.contacts += s.counts.contacts;
    total.rooms += s.counts.rooms;
    total.members += s.counts.members;
  }
  send({
    type: 'ready',
    readyAt: Date.now(),
    loggedInAt: loggedInAt ?? Date.now(),
    ...(sessions[0]?.listedAt === undefined ? {} : { listedAt: sessions[0].listedAt }),
    ...(sessions[0]?.decodeParseMs === undefined ? {} : { decodeParseMs: sessions[0].decodeParseMs }),
    counts: total,
    baseline,
    usage: usage(),
  });
  process.on('message', (m: DriverMessage) => {
    if (m.type === 'usage') send({ type: 'usage', usage: usage() });
    if (m.type === 'gc') {
      (globalThis as { gc?: () => void }).gc?.();
      send({ type: 'usage', usage: usage() });
    }
    if (m.type === 'stop') {
      void Promise.allSettled(sessions.map((s) => s.close())).then(() => {
        send({ type: 'stopped' });
        process.exit(0);
      });
    }
  });
}

main().catch((error: unknown) => {
  send({ type: 'failed', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
  process.exit(2);
});
