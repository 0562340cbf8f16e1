/**
 * Wire shapes of the Web WeChat protocol, in the wire's own PascalCase (PROTOCOL.md).
 * Shared by the client side (request builders, reply parsers) and the emulator.
 */

/** The session credentials every JSON POST body carries as `BaseRequest` (§3.1). */
export interface BaseRequest {
  /** wxuin: a number in most official calls, a string in some clients. */
  Uin: number | string;
  Sid: string;
  Skey: string;
  /** "e" + 15 digits. itchat-uos omits it. */
  DeviceID?: string;
}

/** The status every JSON reply carries: `Ret` 0 is success, anything else an error code (§8). */
export interface BaseResponse {
  Ret: number;
  ErrMsg: string;
}

/** One key/value pair of a {@link SyncKey}. */
export interface SyncKeyItem {
  Key: number;
  Val: number;
}

/**
 * The sync position (§4.6): webwxsync takes the last one received back in its body, synccheck takes
 * SyncCheckKey formatted as `Key_Val|…`.
 */
export interface SyncKey {
  Count: number;
  List: SyncKeyItem[];
}

/** A contact, group or group member, as getcontact, init and batchgetcontact send them (§10.1). */
export interface WireContact {
  Uin: number;
  UserName: string;
  NickName: string;
  HeadImgUrl: string;
  ContactFlag: number;
  MemberCount: number;
  MemberList: WireMember[];
  RemarkName: string;
  HideInputBarFlag: number;
  Sex: number;
  Signature: string;
  VerifyFlag: number;
  OwnerUin: number;
  PYInitial: string;
  PYQuanPin: string;
  RemarkPYInitial: string;
  RemarkPYQuanPin: string;
  StarFriend: number;
  AppAccountFlag: number;
  Statues: number;
  AttrStatus: number;
  Province: string;
  City: string;
  Alias: string;
  SnsFlag: number;
  UniFriend: number;
  DisplayName: string;
  ChatRoomId: number;
  KeyWord: string;
  EncryChatRoomId: string;
  IsOwner: number;
}

/** A group member entry inside a group's MemberList (§4.4). */
export interface WireMember {
  Uin: number;
  UserName: string;
  NickName: string;
  AttrStatus: number;
  PYInitial: string;
  PYQuanPin: string;
  RemarkPYInitial: string;
  RemarkPYQuanPin: string;
  MemberStatus: number;
  DisplayName: string;
  KeyWord: string;
}

/** The logged-in user as webwxinit's `User` has it. */
export interface WireUser {
  Uin: number;
  UserName: string;
  NickName: string;
  HeadImgUrl: string;
  RemarkName: string;
  PYInitial: string;
  PYQuanPin: string;
  RemarkPYInitial: string;
  RemarkPYQuanPin: string;
  HideInputBarFlag: number;
  StarFriend: number;
  Sex: number;
  Signature: string;
  AppAccountFlag: number;
  VerifyFlag: number;
  ContactFlag: number;
  WebWxPluginSwitch: number;
  HeadImgFlag: number;
  SnsFlag: number;
}

/** The person behind a friend request or card: a message's `RecommendInfo` (§9.1). */
export interface WireRecommendInfo {
  UserName: string;
  NickName: string;
  QQNum: number;
  Province: string;
  City: string;
  Content: string;
  Signature: string;
  Alias: string;
  Scene: number;
  VerifyFlag: number;
  AttrStatus: number;
  Sex: number;
  Ticket: string;
  OpCode: number;
}

/** One AddMsgList entry (§9.1), field order as in the capture. */
export interface WireMessage {
  MsgId: string;
  FromUserName: string;
  ToUserName: string;
  MsgType: number;
  Content: string;
  Status: number;
  ImgStatus: number;
  CreateTime: number;
  VoiceLength: number;
  PlayLength: number;
  FileName: string;
  FileSize: string;
  MediaId: string;
  Url: string;
  AppMsgType: number;
  StatusNotifyCode: number;
  StatusNotifyUserName: string;
  RecommendInfo: WireRecommendInfo;
  ForwardFlag: number;
  AppInfo: { AppID: string; Type: number };
  HasProductId: number;
  Ticket: string;
  ImgHeight: number;
  ImgWidth: number;
  SubMsgType: number;
  /** Same digits as MsgId; unsafe as a JS number. */
  NewMsgId: number;
  OriContent: string;
  EncryFileName: string;
}

/** webwxsync's `Profile`: the logged-in user's own profile; `BitFlag` is 190 when it changed, else 0. */
export interface WireProfile {
  BitFlag: number;
  UserName: { Buff: string };
  NickName: { Buff: string };
  BindUin: number;
  BindEmail: { Buff: string };
  BindMobile: { Buff: string };
  Status: number;
  Sex: number;
  PersonalCard: number;
  Alias: string;
  HeadImgUpdateFlag: number;
  HeadImgUrl: string;
  Signature: string;
}

/** webwxinit's reply (§4.1): the user, recent contacts and groups, and the first SyncKey. */
export interface InitReply {
  BaseResponse: BaseResponse;
  Count: number;
  ContactList: WireContact[];
  SyncKey: SyncKey;
  User: WireUser;
  ChatSet: string;
  SKey: string;
  ClientVersion: number;
  SystemTime: number;
  GrayScale: number;
  InviteStartCount: number;
  MPSubscribeMsgCount: number;
  MPSubscribeMsgList: unknown[];
  ClickReportInterval: number;
}

/** webwxstatusnotify's reply (§4.2). */
export interface StatusNotifyReply {
  BaseResponse: BaseResponse;
  MsgID: string;
}

/** One page of webwxgetcontact (§4.3); a non-zero `Seq` means more pages, fetched with that seq. */
export interface GetContactReply {
  BaseResponse: BaseResponse;
  MemberCount: number;
  MemberList: WireContact[];
  Seq: number;
}

/** webwxbatchgetcontact's reply (§4.4): the contacts and groups asked for, groups with their members. */
export interface BatchGetContactReply {
  BaseResponse: BaseResponse;
  Count: number;
  ContactList: WireContact[];
}

/** webwxsync's reply (§4.6): new messages, contact changes, the profile and the next SyncKey. */
export interface SyncReply {
  BaseResponse: BaseResponse;
  AddMsgCount: number;
  AddMsgList: WireMessage[];
  ModContactCount: number;
  ModContactList: WireContact[];
  DelContactCount: number;
  DelContactList: { UserName: string; ContactFlag: number }[];
  ModChatRoomMemberCount: number;
  ModChatRoomMemberList: unknown[];
  Profile: WireProfile;
  ContinueFlag: number;
  SyncKey: SyncKey;
  SKey: string;
  /** Absent in old replies; fall back to SyncKey. */
  SyncCheckKey?: SyncKey;
}

/**
 * The reply of webwxsendmsg and the media send endpoints (§5.1): `MsgID` is the server's id of the
 * message (needed to revoke it), `LocalID` the ClientMsgId sent; both '' on failure.
 */
export interface SendMsgReply {
  BaseResponse: BaseResponse;
  MsgID: string;
  LocalID: string;
}

/** webwxpushloginurl's reply (§2.6): `ret` 0 with a `uuid` to poll, else fall back to a QR code. */
export interface PushLoginReply {
  ret: string | number;
  msg: string;
  uuid?: string;
}

/** The message a client posts to webwxsendmsg (§5.1). */
export interface OutgoingMsg {
  Type: number;
  Content: string;
  FromUserName: string;
  ToUserName: string;
  LocalID: string;
  ClientMsgId: string;
  MsgSource?: string;
  MediaId?: string;
}

/** Selector and retcode of a synccheck reply, as numbers. */
export interface SyncCheckResult {
  retcode: number;
  selector: number;
}
