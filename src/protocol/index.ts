/**
 * The protocol layer: wire types, requests as data, and pure builders and parsers per endpoint
 * family. Nothing here performs I/O.
 *
 * @module
 */
export type {
  CreateChatroomReply,
  UpdateChatroomFun,
  UpdateChatroomOptions,
  UpdateChatroomReply,
} from './chatroom.js';
export {
  addMemberFun,
  buildCreateChatroomRequest,
  buildUpdateChatroomRequest,
  DEFAULT_INVITE_START_COUNT,
  MEMBER_LIST_FIELD,
  parseCreateChatroomReply,
  parseUpdateChatroomReply,
} from './chatroom.js';
export type { BatchItem } from './contact-list.js';
export {
  BATCH_LIMIT,
  buildBatchGetContactRequests,
  buildGetContactRequest,
  parseBatchGetContactReply,
  parseGetContactReply,
} from './contact-list.js';
export type { OplogOptions, VerifyUserOptions } from './contact-ops.js';
export {
  buildOplogRequest,
  buildSearchContactRequest,
  buildVerifyUserRequest,
  OPLOG_CMD,
  parseBaseReply,
  parseSearchContactReply,
  VERIFY_OPCODE,
  VERIFY_SCENE_WEB,
} from './contact-ops.js';
export type { HttpReply, HttpRequestSpec, RequestBody } from './http-request.js';
export type { StatusNotifyOptions } from './init.js';
export {
  buildInitRequest,
  buildStatusNotifyRequest,
  parseInitReply,
  parseStatusNotifyReply,
} from './init.js';
export type { JsValue } from './js-assignment.js';
export { MAX_JS_REPLY_LENGTH, parseJsAssignments } from './js-assignment.js';
export type { JsonObject } from './json-reply.js';
export {
  arrayOrEmpty,
  assertOk,
  isJsonObject,
  MAX_JSON_REPLY_LENGTH,
  mapArray,
  numberOr,
  numberOrString,
  parseJsonReply,
  requireArray,
  requireObject,
  stringOr,
} from './json-reply.js';
export type { JsLoginOptions, LoginPollOptions, LoginPollResult } from './login.js';
export {
  APP_ID,
  buildJsLoginRequest,
  buildLoginPollRequest,
  buildLogoutRequest,
  buildPushLoginRequest,
  buildQrImageRequest,
  DEFAULT_HOSTS,
  DEFAULT_SYNCCHECK_FALLBACKS,
  deriveHosts,
  LONG_POLL_TIMEOUT_MS,
  loginPageUri,
  parseJsLoginReply,
  parseLoginPollReply,
  parsePushLoginReply,
  qrContentUrl,
} from './login.js';
export type { NewLoginPageOptions } from './login-page.js';
export {
  buildNewLoginPageRequest,
  cookiesFromSetCookie,
  MAX_LOGIN_PAGE_LENGTH,
  parseNewLoginPageReply,
  UOS_CLIENT_VERSION,
  UOS_EXTSPAM,
  UOS_REFERER,
} from './login-page.js';
export type {
  CheckUploadInit,
  CheckUploadReply,
  DownloadEndpoint,
  DownloadSpec,
  GetMediaInit,
  UploadChunkInit,
  UploadMediaReply,
  UploadMediaRequestInit,
  UploadMediaRequestJson,
  UploadMediaType,
} from './media.js';
export {
  buildAvatarSpec,
  buildCheckUploadRequest,
  buildGetMediaSpec,
  buildGetMsgImgSpec,
  buildGetVideoSpec,
  buildGetVoiceSpec,
  buildUploadMediaRequestJson,
  chunkCount,
  chunkRange,
  encryFileName,
  fileExtension,
  LARGE_FILE_THRESHOLD,
  mimeTypeOf,
  parseCheckUploadReply,
  parseUploadMediaReply,
  sniffContentType,
  UPLOAD_CHUNK_SIZE,
  uploadFormFields,
  uploadMediaHeaders,
  uploadMediaType,
  uploadMediaUrl,
} from './media.js';
export type {
  AppMsgFileInit,
  MediaSendBase,
  MediaSendEndpoint,
  RevokeInit,
  RevokeReply,
  SendAppMsgInit,
  SendEmoticonInit,
  SendImageInit,
} from './media-message.js';
export {
  appMsgFileXml,
  buildRevokeRequest,
  buildSendAppMsgRequest,
  buildSendEmoticonRequest,
  buildSendImageRequest,
  buildSendVideoRequest,
  parseRevokeReply,
} from './media-message.js';
export { normaliseRecord } from './record-template.js';
export type { PreEncoded, QueryValue } from './request-ids.js';
export {
  buildBaseRequest,
  buildQuery,
  ClientMsgIdSequence,
  encodePathSegment,
  encodePreEncoded,
  formatSyncKey,
  mmwebwxUrl,
  newClientMsgId,
  newDeviceId,
  preEncoded,
  rParam,
} from './request-ids.js';
export type { Credentials, Hosts, SessionContext, WebApp } from './session-context.js';
export { MMWEBWX } from './session-context.js';
export type { SyncCheckOptions } from './sync.js';
export {
  buildSyncCheckRequest,
  buildSyncRequest,
  type ParsedSyncReply,
  parseSyncCheckReply,
  parseSyncReply,
} from './sync.js';
export type { SendTextOptions } from './text-message.js';
export { buildSendTextRequest, parseSendMsgReply } from './text-message.js';
export type { FileHelperHostFamily } from './web-app.js';
export {
  appMarkerHeaders,
  appMarkerQuery,
  deriveFileHelperHosts,
  FILEHELPER_APP_ID,
  FILEHELPER_HOST_FAMILIES,
  FILEHELPER_HOSTS,
  FILEHELPER_USER_NAME,
  isWebApp,
  MMWEB_APPID,
  mmwebAppIdOf,
  WEB_APPS,
  withAppMarker,
} from './web-app.js';
export { emptyRecommendInfo, emptyWireContact, emptyWireMessage } from './wire-defaults.js';
export {
  isUsableSyncKey,
  readContact,
  readContactList,
  readMember,
  readMessage,
  readProfile,
  readSyncKey,
  readUser,
} from './wire-readers.js';
export type {
  BaseRequest,
  BaseResponse,
  BatchGetContactReply,
  GetContactReply,
  InitReply,
  OutgoingMsg,
  PushLoginReply,
  SendMsgReply,
  StatusNotifyReply,
  SyncCheckResult,
  SyncKey,
  SyncKeyItem,
  SyncReply,
  WireContact,
  WireMember,
  WireMessage,
  WireProfile,
  WireRecommendInfo,
  WireUser,
} from './wire-types.js';
