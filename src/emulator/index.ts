/**
 * webwx/emulator: a Web WeChat server on loopback with a scriptable phone side (docs/emulator.md).
 *
 * @module
 */
export { demoWorldSpec } from './demo-world.js';
export { resolveWorld, resolveWorlds, startEmulator } from './emulator.js';
export type { Emulator, EmulatorAccount, Phone } from './emulator-handle.js';
export type {
  EmulatorOptions,
  EmulatorTiming,
  FileHelperInput,
  FileHelperWriteResult,
  InjectedMessage,
  LogoutEvent,
  PhoneEventName,
  PhoneEvents,
  QrInfo,
  QrState,
  SendTextInput,
  SentRecord,
  SessionEndReason,
  SessionInfo,
  StatusNotifyRecord,
  WebApp,
} from './emulator-types.js';
export { DEFAULT_TIMING } from './emulator-types.js';
export type { Fault, FaultOptions, Faults, InjectedFault } from './faults.js';
export type { PhoneActivity, PhoneActivityResult, SignalSelector } from './phone-activity.js';
export type {
  InjectedMedia,
  MediaView,
  PhoneMedia,
  PhoneMediaInput,
  PhoneMediaKind,
  RevokeRecord,
} from './phone-media-types.js';
export type { KindPerson, PhoneMessageInput, PhoneMessageKind } from './phone-message-types.js';
export {
  type PhoneFriendRequest,
  type PhoneMessageResult,
  phoneFriendRequest,
  rememberPhoneMessage,
} from './phone-messages.js';
export type { PhoneRoomOptions } from './phone-world.js';
export { SERVED_HOSTS } from './proxy/hosts.js';
export { CA_CERT_FILE, CA_KEY_FILE } from './proxy/local-ca.js';
export type { EmulatorProxyInfo, ProxyOption } from './proxy/proxy-setup.js';
export type { SystemTextLang } from './system-texts.js';
export { emojiToSpan, encodeMessageText, REFUSAL_MESSAGE } from './wire-format.js';
export { buildWorld, WorldValidationError } from './world.js';
export {
  type AccountWorldSpec,
  type AnyWorldSpec,
  buildWorlds,
  isMultiWorldSpec,
  type MultiAccountWorldOptions,
  type MultiWorldSpec,
  multiAccountWorld,
  SMALL_WORLD_ACCOUNTS,
} from './world-accounts.js';
export type { FriendRequestRecord, RoomInvitation } from './world-change-records.js';
export { loadWorldFile } from './world-file.js';
export { BIG_WORLD, type GenerateWorldOptions, generateWorld } from './world-generator.js';
export type {
  ContactKind,
  ContactSpec,
  RoomMemberSpec,
  RoomSpec,
  SelfSpec,
  World,
  WorldPerson,
  WorldRoom,
  WorldSelf,
  WorldSpec,
} from './world-types.js';
