/** Test helper: HTTPS requests through the emulator's proxy mode, trusting only its CA. */
import { ProxyAgent, request } from 'undici';
import type { Emulator } from '../../src/emulator/index.js';

export interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** HTTPS through the proxy (undici tunnels with CONNECT), trusting only the emulator's CA. */
export async function viaProxy(
  e: Emulator,
  url: string,
  init: { method?: string; body?: string; cookie?: string; headers?: Record<string, string> } = {},
): Promise<Got> {
  const dispatcher = new ProxyAgent({ uri: e.proxy!.url, requestTls: { ca: e.proxy!.caCertPem } });
  try {
    const headers: Record<string, string> = { ...init.headers };
    if (init.cookie) headers.cookie = init.cookie;
    const r = await request(url, {
      dispatcher,
      method: (init.method ?? 'GET') as 'GET',
      headers,
      ...(init.body === undefined ? {} : { body: init.body }),
    });
    return { status: r.statusCode, headers: r.headers, text: await r.body.text() };
  } finally {
    await dispatcher.close();
  }
}
