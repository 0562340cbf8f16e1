/**
 * The state of one logged-in session: hosts, credentials, DeviceID, SyncKey/SyncCheckKey and self.
 * Plain data with small update rules (§3.1, §4.6); no I/O.
 */
import type { Contact } from '../../model/index.js';
import type { Credentials, Hosts, SessionContext, WebApp } from '../../protocol/session-context.js';
import type { SyncKey, WireUser } from '../../protocol/wire-types.js';

export class Session {
  hosts: Hosts;
  credentials: Credentials;
  readonly deviceId: string;
  readonly lang: string;
  readonly desktop: boolean;
  /** The web app the session belongs to (§14); its builders add the app's marker. */
  readonly app: WebApp;
  /** Goes back in the next webwxsync body. */
  syncKey: SyncKey = { Count: 0, List: [] };
  /** Formatted into synccheck's `synckey`. */
  syncCheckKey: SyncKey = { Count: 0, List: [] };
  selfUser: WireUser | undefined;
  self: Contact | undefined;
  /** webwxinit's InviteStartCount: above it, rooms take invitemember instead of addmember (§7.3). */
  inviteStartCount = 40;

  constructor(init: {
    hosts: Hosts;
    credentials: Credentials;
    deviceId: string;
    lang: string;
    desktop: boolean;
    app?: WebApp;
  }) {
    this.hosts = init.hosts;
    this.credentials = { ...init.credentials };
    this.deviceId = init.deviceId;
    this.lang = init.lang;
    this.desktop = init.desktop;
    this.app = init.app ?? 'web';
  }

  /** A fresh snapshot for the request builders. */
  context(hostsOverride?: Partial<Hosts>): SessionContext {
    return {
      hosts: hostsOverride ? { ...this.hosts, ...hostsOverride } : this.hosts,
      credentials: this.credentials,
      lang: this.lang,
      desktop: this.desktop,
      app: this.app,
    };
  }

  get selfUserName(): string {
    return this.selfUser?.UserName ?? '';
  }

  /** webwxinit's and webwxsync's SKey replaces the old one; an empty SKey keeps it (§4.6). */
  updateSkey(skey: string | undefined): void {
    if (skey) this.credentials = { ...this.credentials, skey };
  }

  /**
   * Applies the keys of an init or sync reply. A key with Count 0 (or no entries) is ignored, as the
   * official client does. Returns true when anything changed.
   */
  updateKeys(syncKey: SyncKey | undefined, syncCheckKey: SyncKey | undefined): boolean {
    let changed = false;
    if (isUsableKey(syncKey) && !sameKey(syncKey, this.syncKey)) {
      this.syncKey = syncKey;
      changed = true;
    }
    const check = isUsableKey(syncCheckKey) ? syncCheckKey : isUsableKey(syncKey) ? syncKey : undefined;
    if (check && !sameKey(check, this.syncCheckKey)) {
      this.syncCheckKey = check;
      changed = true;
    }
    return changed;
  }
}

function isUsableKey(key: SyncKey | undefined): key is SyncKey {
  return key !== undefined && key.Count > 0 && Array.isArray(key.List) && key.List.length > 0;
}

export function sameKey(a: SyncKey, b: SyncKey): boolean {
  if (a.List.length !== b.List.length) return false;
  return a.List.every((item, i) => item.Key === b.List[i]?.Key && item.Val === b.List[i]?.Val);
}
