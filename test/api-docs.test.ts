/**
 * The API reference builds without a warning (docs/contributing.md, issue #20): TypeDoc runs with the
 * options of typedoc.json, converts its entry points and validates the result, and every
 * exported declaration must have a doc comment and every type the API names must be exported
 * (`notDocumented`, `notExported`, `invalidLink`). Nothing is written to disk. Type errors are
 * `npm run lint`'s business, so this run skips them.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Application, Logger, LogLevel, TSConfigReader, TypeDocReader } from 'typedoc';
import { expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Keeps what TypeDoc reports instead of printing it. */
class CollectingLogger extends Logger {
  readonly messages: { level: LogLevel; text: string }[] = [];
  override log(message: string, level: LogLevel): void {
    this.messages.push({ level, text: message });
  }
}

it('the API reference has no TypeDoc warnings or errors', { timeout: 120_000 }, async () => {
  const app = await Application.bootstrapWithPlugins(
    {
      options: resolve(ROOT, 'typedoc.json'),
      tsconfig: resolve(ROOT, 'tsconfig.build.json'),
      // Counted here rather than turned into errors, so the failure lists every one of them.
      treatWarningsAsErrors: false,
      skipErrorChecking: true,
    },
    [new TypeDocReader(), new TSConfigReader()],
  );
  const logger = new CollectingLogger();
  logger.level = LogLevel.Warn;
  app.logger = logger;

  const project = await app.convert();
  expect(project, 'TypeDoc could not convert the entry points').toBeDefined();
  if (project) app.validate(project);

  const reported = logger.messages
    .filter((m) => m.level >= LogLevel.Warn)
    .map((m) => `${LogLevel[m.level]}: ${m.text}`);
  expect(reported).toEqual([]);
  expect(logger.hasWarnings()).toBe(false);
  expect(logger.hasErrors()).toBe(false);
});
