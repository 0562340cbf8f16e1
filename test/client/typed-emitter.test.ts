import { describe, expect, it, vi } from 'vitest';
import { TypedEmitter } from '../../src/client/typed-emitter.js';
import type { Logger } from '../../src/logger.js';
import { silentLogger } from '../../src/logger.js';

interface Events {
  a: number;
  b: { text: string };
}

describe('TypedEmitter', () => {
  it('delivers payloads to every listener, in order', () => {
    const e = new TypedEmitter<Events>();
    const seen: string[] = [];
    e.on('a', (n) => seen.push(`1:${n}`));
    e.on('a', (n) => seen.push(`2:${n}`));
    e.on('b', ({ text }) => seen.push(`b:${text}`));
    e.emit('a', 7);
    e.emit('b', { text: 'x' });
    expect(seen).toEqual(['1:7', '2:7', 'b:x']);
  });

  it('on() returns an unsubscribe function that is idempotent and removes only its own listener', () => {
    const e = new TypedEmitter<Events>();
    const f = vi.fn();
    const off1 = e.on('a', f);
    const off2 = e.on('a', f);
    expect(e.listenerCount('a')).toBe(2);
    off1();
    off1();
    e.emit('a', 1);
    expect(f).toHaveBeenCalledTimes(1);
    off2();
    expect(e.listenerCount('a')).toBe(0);
    expect(e.listenerCount()).toBe(0);
    e.emit('a', 2);
    expect(f).toHaveBeenCalledTimes(1);
  });

  it('a listener removed during an emit does not break the emit', () => {
    const e = new TypedEmitter<Events>();
    const calls: number[] = [];
    const offB = e.on('a', () => calls.push(2));
    e.on('a', () => {
      calls.push(1);
    });
    e.on('a', () => offB());
    e.emit('a', 0);
    e.emit('a', 0);
    expect(calls).toEqual([2, 1, 1]);
  });

  it('once() resolves with the next payload and unsubscribes', async () => {
    const e = new TypedEmitter<Events>();
    const next = e.once('b');
    expect(e.listenerCount('b')).toBe(1);
    e.emit('b', { text: 'first' });
    e.emit('b', { text: 'second' });
    await expect(next).resolves.toEqual({ text: 'first' });
    expect(e.listenerCount('b')).toBe(0);
  });

  it('a throwing listener is logged and the others still run; error events without listeners do not throw', () => {
    const error = vi.fn();
    const logger: Logger = { ...silentLogger, error };
    const e = new TypedEmitter<Events & { error: Error }>(logger);
    const after = vi.fn();
    e.on('a', () => {
      throw new Error('boom skey=@crypt_0123abcd_ffff');
    });
    e.on('a', after);
    e.emit('a', 1);
    expect(after).toHaveBeenCalledWith(1);
    expect(error).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(error.mock.calls[0])).not.toContain('@crypt_');
    expect(() => e.emit('error', new Error('nobody listens'))).not.toThrow();
  });

  it('removeAllListeners() drops everything', () => {
    const e = new TypedEmitter<Events>();
    const f = vi.fn();
    e.on('a', f);
    e.on('b', f);
    e.removeAllListeners();
    e.emit('a', 1);
    expect(f).not.toHaveBeenCalled();
    expect(e.listenerCount()).toBe(0);
  });
});
