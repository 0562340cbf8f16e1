/**
 * Resolving the `proxy` option of startEmulator(): where the CA lives, and the handle's `proxy` info.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../logger.js';
import { ForwardProxy } from './forward-proxy.js';
import { SERVED_HOSTS } from './hosts.js';
import { type LocalCa, loadOrCreateCa } from './local-ca.js';

/** `true`: the CA goes to a fresh temporary directory (removed by close()). */
export type ProxyOption = boolean | { caDir?: string };

/** Proxy mode: where the proxy listens and the CA clients must trust (`emu.proxy`). */
export interface EmulatorProxyInfo {
  /** 'http://127.0.0.1:PORT': what HTTPS_PROXY / HTTP_PROXY / curl --proxy take. */
  readonly url: string;
  /** Directory of ca.pem and ca-key.pem. */
  readonly caDir: string;
  /** Path of the CA certificate: NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE, curl --cacert. */
  readonly caCertPath: string;
  /** The CA certificate itself, PEM. */
  readonly caCertPem: string;
  /** Whether this start generated the CA (false: an existing one was reused). */
  readonly caCreated: boolean;
  /** Every host name served; any other is refused with 403. */
  readonly hosts: readonly string[];
}

export interface ProxySetup {
  proxy: ForwardProxy;
  ca: LocalCa;
  info(url: string): EmulatorProxyInfo;
  /** Remove the temporary CA directory, if one was made. */
  dispose(): void;
}

export function setupProxy(option: ProxyOption | undefined, logger: Logger): ProxySetup | undefined {
  if (option === undefined || option === false) return undefined;
  const given = option === true ? undefined : option.caDir;
  const dir = given ?? mkdtempSync(join(tmpdir(), 'webwx-emulator-ca-'));
  const ca = loadOrCreateCa(dir);
  logger.info({ caDir: dir, created: ca.created }, 'emulator proxy CA ready');
  return {
    proxy: new ForwardProxy(ca, logger),
    ca,
    info: (url) => ({
      url,
      caDir: ca.dir,
      caCertPath: ca.certPath,
      caCertPem: ca.certPem,
      caCreated: ca.created,
      hosts: [...SERVED_HOSTS].sort(),
    }),
    dispose: () => {
      if (given === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}
