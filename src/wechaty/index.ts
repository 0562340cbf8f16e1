/**
 * webwx/wechaty: a Wechaty puppet on webwx (docs/wechaty.md). `wechaty-puppet` and `file-box` are
 * optional peer dependencies: only this entry point needs them.
 *
 * ```ts
 * import { WechatyBuilder } from 'wechaty';
 * import { PuppetWebwx } from 'webwx/wechaty';
 * const bot = WechatyBuilder.build({ puppet: new PuppetWebwx({ dataDir: './data' }) });
 * ```
 *
 * @module
 */

export { mentionText } from '../model/mention-text.js';
export type { FriendshipRecord } from './incoming-records.js';
export type { RawMessage, SentRecord } from './message-payloads.js';
export type { PuppetWebwxOptions } from './puppet-options.js';
export { PuppetWebwx } from './puppet-webwx.js';
