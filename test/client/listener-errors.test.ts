/**
 * Listeners never crash the process (issue 17 item 4): a listener that throws, or an async listener
 * whose promise rejects, is reported on the 'error' event and to the logger; an 'error' listener
 * that fails is only logged. Checked with a process-level unhandledRejection listener.
 */
import { describe, expect, it } from 'vitest';
import { TypedEmitter } from '../../src/client/typed-emitter.js';
import { ListenerError, type WebWxError } from '../../src/errors.js';
import type { Logger } from '../../src/logger.js';
import { recordingLogger } from '../recording-logger.js';
import { watchUnhandledRejections } from '../unhandled-rejections.js';

interface Events {
  message: { text: string };
  error: WebWxError;
}

function emitter(logger: Logger) {
  return new TypedEmitter<Events>(logger, {
    errorEvent: 'error',
    asError: (event, error) => new ListenerError(event, error),
  });
}

const unhandled = watchUnhandledRejections();
const tick = () => new Promise((r) => setTimeout(r, 10));

describe('listener failures', () => {
  it('a throwing listener goes to the error event as a ListenerError; the other listeners still run', () => {
    const { logger, at } = recordingLogger();
    const e = emitter(logger);
    const errors: WebWxError[] = [];
    const seen: string[] = [];
    e.on('error', (error) => errors.push(error));
    e.on('message', () => {
      throw new Error('boom');
    });
    e.on('message', (m) => seen.push(m.text));
    e.emit('message', { text: 'hi' });
    expect(seen).toEqual(['hi']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(ListenerError);
    expect(errors[0]).toMatchObject({ code: 'listener', event: 'message' });
    expect((errors[0]!.cause as Error).message).toBe('boom');
    expect(at('error')).toHaveLength(1);
  });

  it('an async listener that rejects goes to the error event; nothing is left unhandled', async () => {
    const { logger } = recordingLogger();
    const e = emitter(logger);
    const errors: WebWxError[] = [];
    e.on('error', (error) => errors.push(error));
    e.on('message', async () => {
      await tick();
      throw new Error('late');
    });
    e.emit('message', { text: 'hi' });
    await tick();
    await tick();
    expect(errors.map((x) => (x.cause as Error).message)).toEqual(['late']);
    expect(unhandled).toEqual([]);
  });

  it('an error listener that throws or rejects is only logged (no loop, nothing unhandled)', async () => {
    const { logger, at } = recordingLogger();
    const e = emitter(logger);
    let calls = 0;
    e.on('error', () => {
      calls++;
      throw new Error('error listener broke');
    });
    e.on('error', async () => {
      calls++;
      throw new Error('async error listener broke');
    });
    e.on('message', () => {
      throw new Error('first');
    });
    e.emit('message', { text: 'x' });
    await tick();
    expect(calls).toBe(2);
    expect(at('error')).toHaveLength(3);
    expect(unhandled).toEqual([]);
  });
});
