/**
 * Reading a JSON config file (a rules file, the console's config): the file's problems and the
 * validator's are BotConfigErrors that name the file, then the field (`rules.json: rules[1].regex: …`).
 */
import { readFile } from 'node:fs/promises';
import { BotConfigError } from './bot-errors.js';

function stripField(error: BotConfigError): string {
  return error.field && error.message.startsWith(`${error.field}: `)
    ? error.message.slice(error.field.length + 2)
    : error.message;
}

/** Reads `path` as JSON and validates it with `parse`; `what` names the file in errors ('rules file'). */
export async function loadJsonConfig<T>(path: string, what: string, parse: (json: unknown) => T): Promise<T> {
  let content: string;
  try {
    content = await readFile(path, 'utf8');
  } catch (error) {
    throw new BotConfigError(
      '',
      `cannot read the ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (error) {
    throw new BotConfigError('', `the ${what} ${path} is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parse(json);
  } catch (error) {
    if (error instanceof BotConfigError)
      throw new BotConfigError(`${path}: ${error.field}`.replace(/: $/, ''), stripField(error));
    throw error;
  }
}
