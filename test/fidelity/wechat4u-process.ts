/**
 * wechat4u in a child process (fixtures/wechat4u-driver.cjs), pointed at the emulator's proxy mode
 * only through its environment: HTTPS_PROXY/HTTP_PROXY and NODE_EXTRA_CA_CERTS.
 */
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { EmulatorProxyInfo } from '../../src/emulator/index.js';

const DRIVER = fileURLToPath(new URL('./fixtures/wechat4u-driver.cjs', import.meta.url));

export interface DriverEvent {
  event: string;
  [key: string]: unknown;
}

export interface DriverMessage {
  MsgId: string;
  MsgType: number;
  AppMsgType: number;
  FromUserName: string;
  ToUserName: string;
  Content: string;
  FileName: string;
  FileSize: string;
  MediaId: string;
  StatusNotifyCode: number;
  isSendBySelf: boolean;
}

export interface DriverContact {
  UserName: string;
  NickName: string;
  RemarkName: string;
  MemberCount: number;
  HeadImgUrl: string;
}

export class Wechat4uProcess {
  readonly events: DriverEvent[] = [];
  readonly stderr: string[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly listeners = new Set<() => void>();
  private nextId = 1;
  private exited: Promise<number | null>;

  constructor(proxy: EmulatorProxyInfo) {
    this.child = spawn(process.execPath, [DRIVER], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        HTTPS_PROXY: proxy.url,
        HTTP_PROXY: proxy.url,
        NODE_EXTRA_CA_CERTS: proxy.caCertPath,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      let ev: DriverEvent;
      try {
        ev = JSON.parse(line) as DriverEvent;
      } catch {
        this.stderr.push(`(stdout) ${line}`);
        return;
      }
      this.events.push(ev);
      for (const l of [...this.listeners]) l();
    });
    createInterface({ input: this.child.stderr }).on('line', (line) => this.stderr.push(line));
  }

  /** The first event (from `from` on) matching predicate; waits for it. */
  waitFor(
    predicate: (e: DriverEvent) => boolean,
    options: { timeoutMs?: number; from?: number; what?: string } = {},
  ): Promise<DriverEvent> {
    const from = options.from ?? 0;
    const ms = options.timeoutMs ?? 15_000;
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.slice(from).find(predicate);
        if (found === undefined) return false;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(found);
        return true;
      };
      const listener = () => {
        check();
      };
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(
          new Error(
            `wechat4u: timed out after ${ms} ms waiting for ${options.what ?? 'an event'}; events: ${JSON.stringify(this.events.slice(-15))}; stderr: ${this.stderr.slice(-10).join('\n')}`,
          ),
        );
      }, ms);
      if (!check()) this.listeners.add(listener);
    });
  }

  waitForMessage(predicate: (m: DriverMessage) => boolean, timeoutMs?: number): Promise<DriverMessage> {
    return this.waitFor((e) => e.event === 'message' && predicate(e.msg as DriverMessage), {
      what: 'a message',
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    }).then((e) => e.msg as DriverMessage);
  }

  /** Run a driver command; resolves with its value, rejects with its error. */
  async command<T = unknown>(
    cmd: string,
    args: Record<string, unknown> = {},
    timeoutMs = 15_000,
  ): Promise<T> {
    const id = this.nextId++;
    this.child.stdin.write(`${JSON.stringify({ id, cmd, ...args })}\n`);
    const r = await this.waitFor((e) => e.event === 'result' && e.id === id, {
      timeoutMs,
      what: `result of ${cmd}`,
    });
    if (r.ok !== true)
      throw new Error(`wechat4u ${cmd} failed: ${String(r.error)} (HTTP ${String(r.status)})`);
    return r.value as T;
  }

  get errors(): DriverEvent[] {
    return this.events.filter((e) => e.event === 'error');
  }

  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
    }
    await this.exited;
  }
}
