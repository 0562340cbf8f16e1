/** Wire objects with every field present and empty: the shape both a reply normaliser and a server start from. */
import type { WireContact, WireMessage, WireProfile, WireRecommendInfo } from './wire-types.js';

/** A contact (§10.1) with every field at its empty value; a fresh object (and MemberList) each call. */
export function emptyWireContact(): WireContact {
  return {
    Uin: 0,
    UserName: '',
    NickName: '',
    HeadImgUrl: '',
    ContactFlag: 0,
    MemberCount: 0,
    MemberList: [],
    RemarkName: '',
    HideInputBarFlag: 0,
    Sex: 0,
    Signature: '',
    VerifyFlag: 0,
    OwnerUin: 0,
    PYInitial: '',
    PYQuanPin: '',
    RemarkPYInitial: '',
    RemarkPYQuanPin: '',
    StarFriend: 0,
    AppAccountFlag: 0,
    Statues: 0,
    AttrStatus: 0,
    Province: '',
    City: '',
    Alias: '',
    SnsFlag: 0,
    UniFriend: 0,
    DisplayName: '',
    ChatRoomId: 0,
    KeyWord: '',
    EncryChatRoomId: '',
    IsOwner: 0,
  };
}

/** A message (§9.1) with every field at its empty value, in the order captures show; a fresh object each call. */
export function emptyWireMessage(): WireMessage {
  return {
    MsgId: '',
    FromUserName: '',
    ToUserName: '',
    MsgType: 0,
    Content: '',
    Status: 0,
    ImgStatus: 0,
    CreateTime: 0,
    VoiceLength: 0,
    PlayLength: 0,
    FileName: '',
    FileSize: '',
    MediaId: '',
    Url: '',
    AppMsgType: 0,
    StatusNotifyCode: 0,
    StatusNotifyUserName: '',
    RecommendInfo: emptyRecommendInfo(),
    ForwardFlag: 0,
    AppInfo: { AppID: '', Type: 0 },
    HasProductId: 0,
    Ticket: '',
    ImgHeight: 0,
    ImgWidth: 0,
    SubMsgType: 0,
    NewMsgId: 0,
    OriContent: '',
    EncryFileName: '',
  };
}

/** A message's RecommendInfo (§9.1) with every field empty; a fresh object each call. */
export function emptyRecommendInfo(): WireRecommendInfo {
  return {
    UserName: '',
    NickName: '',
    QQNum: 0,
    Province: '',
    City: '',
    Content: '',
    Signature: '',
    Alias: '',
    Scene: 0,
    VerifyFlag: 0,
    AttrStatus: 0,
    Sex: 0,
    Ticket: '',
    OpCode: 0,
  };
}

/** webwxsync's Profile (§4.6) with every field at its empty value; a fresh object each call. */
export function emptyProfile(): WireProfile {
  return {
    BitFlag: 0,
    UserName: { Buff: '' },
    NickName: { Buff: '' },
    BindUin: 0,
    BindEmail: { Buff: '' },
    BindMobile: { Buff: '' },
    Status: 0,
    Sex: 0,
    PersonalCard: 0,
    Alias: '',
    HeadImgUpdateFlag: 0,
    HeadImgUrl: '',
    Signature: '',
  };
}
