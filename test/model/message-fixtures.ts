/** Loading the real message samples as wire entries, shared by the model tests. */
import { emptyRecommendInfo } from '../../src/emulator/wire-objects.js';
import type { WireMessage } from '../../src/protocol/wire-types.js';
import { readFixtureJson } from '../fixtures.js';

/** The AddMsgList fields of the wire (§9.1); client-added fields of post-processed samples are dropped. */
export const WIRE_FIELDS = [
  'MsgId',
  'FromUserName',
  'ToUserName',
  'MsgType',
  'Content',
  'Status',
  'ImgStatus',
  'CreateTime',
  'VoiceLength',
  'PlayLength',
  'FileName',
  'FileSize',
  'MediaId',
  'Url',
  'AppMsgType',
  'StatusNotifyCode',
  'StatusNotifyUserName',
  'RecommendInfo',
  'ForwardFlag',
  'AppInfo',
  'HasProductId',
  'Ticket',
  'ImgHeight',
  'ImgWidth',
  'SubMsgType',
  'NewMsgId',
  'OriContent',
  'EncryFileName',
] as const;

/**
 * A sample as the server sent it: wire fields only; wechat4u-processed samples keep the raw web form in
 * OriginalContent; itchat4j replaced `<br/>` with `\n` in Content, which the decoder accepts as is.
 */
export function loadWireSample(name: string): WireMessage {
  const sample = readFixtureJson<Record<string, unknown>>('messages', name);
  const wire: Record<string, unknown> = {};
  for (const f of WIRE_FIELDS) if (f in sample) wire[f] = sample[f];
  if (typeof sample.OriginalContent === 'string') wire.Content = sample.OriginalContent;
  return wire as unknown as WireMessage;
}

/** A complete wire entry with every §9.1 field, overridden by `fields`. */
export function wireEntry(fields: Partial<WireMessage>): WireMessage {
  return {
    MsgId: '1000000000000000001',
    FromUserName: '@peer',
    ToUserName: '@me',
    MsgType: 1,
    Content: '',
    Status: 3,
    ImgStatus: 1,
    CreateTime: 1700000000,
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
    NewMsgId: Number('1000000000000000001'),
    OriContent: '',
    EncryFileName: '',
    ...fields,
  };
}
