/**
 * The phone's media: images, voice, video, files and emoticons sent to the user with real bytes
 * behind them (entries shaped per PROTOCOL.md §9.5), the media state every media route shares, and
 * the revokes clients posted.
 */

import { readFile } from 'node:fs/promises';
import { InvalidArgumentError } from '../errors.js';
import { encryFileName } from '../protocol/media.js';
import type { WireMessage } from '../protocol/wire-types.js';
import { hex } from './ids.js';
import { MediaStore, type StoredMedia } from './media-store.js';
import { wireXml, xmlEscape } from './message-encoders.js';
import type {
  InjectedMedia,
  MediaView,
  PhoneMedia,
  PhoneMediaInput,
  PhoneMediaKind,
  RevokeRecord,
} from './phone-media-types.js';
import { rememberPhoneMessage } from './phone-messages.js';
import type { AccountDirectory, EmulatorContext } from './route-context.js';
import { emojiToSpan, groupContent, TINY_JPEG_BASE64 } from './wire-format.js';
import { wireMessage } from './wire-objects.js';

/** A 1×1 JPEG: the thumbnail when the phone gives none. */
export const TINY_JPEG = Buffer.from(TINY_JPEG_BASE64, 'base64');

export interface MediaState {
  store: MediaStore;
  revokes: RevokeRecord[];
  /** Client sends that were revoked, by MsgID. */
  revoked: Set<string>;
}

/** One store per emulator (its accounts share it: MsgIds and MediaIds are unique across them). */
const stores = new WeakMap<AccountDirectory, MediaStore>();
/** The revokes, per account. */
const states = new WeakMap<EmulatorContext, MediaState>();

export function mediaStateOf(ctx: EmulatorContext): MediaState {
  let state = states.get(ctx);
  if (state === undefined) {
    let store = stores.get(ctx.accounts);
    if (store === undefined) {
      store = new MediaStore();
      stores.set(ctx.accounts, store);
    }
    state = { store, revokes: [], revoked: new Set() };
    states.set(ctx, state);
  }
  return state;
}

/** Deletes the media temp directory (emulator.close()). */
export function closeMedia(ctx: EmulatorContext): void {
  stores.get(ctx.accounts)?.close();
}

export function mediaView(store: MediaStore, media: StoredMedia): MediaView {
  return {
    mediaId: media.mediaId,
    fileName: media.fileName,
    size: media.size,
    md5: media.md5,
    contentType: media.contentType,
    bytes: () => readFile(media.path),
    stream: () => store.stream(media.path),
  };
}

const DEFAULT_NAMES: Record<PhoneMediaKind, string> = {
  image: 'image.jpg',
  voice: 'voice.mp3',
  video: 'video.mp4',
  'short-video': 'video.mp4',
  file: 'file.bin',
  emoticon: 'emoticon.gif',
};

const MSG_TYPES: Record<PhoneMediaKind, number> = {
  image: 3,
  voice: 34,
  video: 43,
  'short-video': 62,
  file: 49,
  emoticon: 47,
};

function fail(message: string): never {
  throw new InvalidArgumentError('', `emulator phone: ${message}`);
}

function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot <= 0 ? '' : fileName.slice(dot + 1).toLowerCase();
}

/** The XML of each kind (§9.5) and the §9.1 fields that go with it. */
function entryFor(
  kind: PhoneMediaKind,
  media: StoredMedia,
  input: Partial<PhoneMediaInput>,
  senderId: string,
): { xml: string; fields: Partial<WireMessage> } {
  const a = (pairs: Record<string, string | number>) =>
    Object.entries(pairs)
      .map(([k, v]) => `${k}="${xmlEscape(String(v))}"`)
      .join(' ');
  const cdn = `3057020100044b30490201000204${media.md5}`;
  switch (kind) {
    case 'image':
      return {
        xml: `<?xml version="1.0"?>\n<msg>\n\t<img ${a({
          aeskey: hex(16),
          encryver: 0,
          cdnthumbaeskey: hex(16),
          cdnthumburl: cdn,
          cdnthumblength: input.thumbnail?.length ?? TINY_JPEG.length,
          cdnthumbheight: 120,
          cdnthumbwidth: 90,
          cdnmidheight: 0,
          cdnmidwidth: 0,
          cdnhdheight: 0,
          cdnhdwidth: 0,
          cdnmidimgurl: cdn,
          length: media.size,
          md5: media.md5,
        })} />\n</msg>\n`,
        fields: { ImgStatus: 2, ImgHeight: 120, ImgWidth: 90 },
      };
    case 'voice': {
      const ms = input.voiceLengthMs ?? 1000;
      return {
        xml: `<msg><voicemsg ${a({
          endflag: 1,
          cancelflag: 0,
          forwardflag: 0,
          voiceformat: 4,
          voicelength: ms,
          length: media.size,
          bufid: 0,
          clientmsgid: hex(16),
          fromusername: senderId,
        })} /></msg>`,
        fields: { VoiceLength: ms },
      };
    }
    // A short video (62) carries the same <videomsg> as a video (43); only the MsgType differs.
    case 'video':
    case 'short-video': {
      const seconds = input.playLengthS ?? 1;
      return {
        xml: `<msg><videomsg ${a({
          aeskey: hex(16),
          cdnthumbaeskey: hex(16),
          cdnvideourl: cdn,
          cdnthumburl: cdn,
          length: media.size,
          playlength: seconds,
          cdnthumblength: input.thumbnail?.length ?? TINY_JPEG.length,
          cdnthumbwidth: 90,
          cdnthumbheight: 120,
          fromusername: senderId,
          md5: media.md5,
          newmd5: media.md5,
          isad: 0,
        })} /></msg>`,
        fields: { PlayLength: seconds, ImgStatus: 1, ImgHeight: 120, ImgWidth: 90 },
      };
    }
    case 'emoticon':
      return {
        xml: `<msg><emoji ${a({
          fromusername: senderId,
          tousername: '',
          type: 2,
          idbuffer: 'media:0_0',
          md5: media.md5,
          len: media.size,
          productid: '',
          androidmd5: media.md5,
          androidlen: media.size,
          cdnurl: `http://emoji.qpic.cn/wx_emoji/${media.md5}/`,
          designerid: '',
          thumburl: '',
          encrypturl: '',
          aeskey: hex(16),
          externurl: '',
          externmd5: '',
          width: 240,
          height: 240,
        })}></emoji><gameext type="0" content="0"></gameext></msg>`,
        fields: { ImgStatus: 2, ImgHeight: 240, ImgWidth: 240 },
      };
    case 'file':
      return {
        xml:
          `<msg><appmsg appid="" sdkver="0"><title>${xmlEscape(stripControls(media.fileName))}</title><des></des>` +
          `<action></action><type>6</type><showtype>0</showtype><content></content><url></url>` +
          `<appattach><totallen>${media.size}</totallen><attachid>${xmlEscape(media.mediaId)}</attachid>` +
          `<fileext>${xmlEscape(stripControls(extensionOf(media.fileName)))}</fileext></appattach><extinfo></extinfo>` +
          `</appmsg><fromusername>${xmlEscape(senderId)}</fromusername><scene>0</scene>` +
          `<appinfo><version>1</version><appname></appname></appinfo><commenturl></commenturl></msg>`,
        fields: {
          FileName: emojiToSpan(media.fileName),
          FileSize: String(media.size),
          MediaId: media.mediaId,
          AppMsgType: 6,
          EncryFileName: encryFileName(media.fileName),
          AppInfo: { AppID: '', Type: 0 },
        },
      };
  }
  return fail(`unknown media kind ${String(kind)}`);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: XML 1.0 cannot carry these
const XML_CONTROLS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g;

function stripControls(s: string): string {
  return s.replace(XML_CONTROLS, '');
}

/** One phone media message before it is queued: its MsgId, the stored bytes, the Content and fields. */
export interface StoredPhoneMedia {
  msgId: string;
  createTime: number;
  media: StoredMedia;
  msgType: number;
  /** The §9.5 XML as the wire carries it (escaped). */
  content: string;
  fields: Partial<WireMessage>;
}

/**
 * Stores the bytes of a phone media message (downloadable by its MsgId and MediaId) and shapes its
 * §9.5 entry; `senderId` is the stable id the XML names as its sender.
 */
export async function storePhoneMedia(
  ctx: EmulatorContext,
  kind: PhoneMediaKind,
  input: PhoneMediaInput,
  senderId: string,
): Promise<StoredPhoneMedia> {
  const source = input.data ?? input.path;
  if (source === undefined) fail('input needs "data" (a Buffer) or "path"');
  const { store } = mediaStateOf(ctx);
  const media = await store.addPhoneMedia(source, input.fileName ?? DEFAULT_NAMES[kind], input.thumbnail);
  const msgId = ctx.msgIds.take();
  store.link(msgId, media);
  const createTime = Math.floor(Date.now() / 1000);
  return { msgId, createTime, media, ...phoneMediaEntry(kind, media, senderId, input) };
}

/** Media already stored, linked to `msgId` (downloadable by it), with its §9.5 entry. */
function linkStoredMedia(
  ctx: EmulatorContext,
  kind: PhoneMediaKind,
  { media, msgId }: { media: StoredMedia; msgId: string },
  senderId: string,
  input: Partial<PhoneMediaInput>,
): StoredPhoneMedia {
  mediaStateOf(ctx).store.link(msgId, media);
  return {
    msgId,
    createTime: Math.floor(Date.now() / 1000),
    media,
    ...phoneMediaEntry(kind, media, senderId, input),
  };
}

/** The §9.5 entry (MsgType, escaped Content, fields) of media already stored, sent by `senderId`. */
export function phoneMediaEntry(
  kind: PhoneMediaKind,
  media: StoredMedia,
  senderId: string,
  input: Partial<PhoneMediaInput> = {},
): { msgType: number; content: string; fields: Partial<WireMessage> } {
  const { xml, fields } = entryFor(kind, media, input, senderId);
  return { msgType: MSG_TYPES[kind], content: wireXml(xml), fields };
}

/**
 * A phone media message from a contact (in a room: from that member) into every active session of the
 * account; `stored` is given when another account's client sent the bytes (account-delivery.ts).
 */
export async function sendPhoneMedia(
  ctx: EmulatorContext,
  kind: PhoneMediaKind,
  input: PhoneMediaInput,
  stored?: { media: StoredMedia; msgId: string },
): Promise<InjectedMedia> {
  if (typeof input !== 'object' || input === null) fail('input needs "from" and "data" or "path"');
  const sender = ctx.world.findPerson(input.from);
  if (sender === undefined) fail(`unknown sender "${input.from}"`);
  const room = input.room === undefined ? undefined : ctx.world.findRoom(input.room);
  if (input.room !== undefined && room === undefined) fail(`unknown room "${input.room}"`);
  if (room !== undefined && !room.memberIds.includes(sender.id))
    fail(`"${sender.id}" is not a member of ${room.id}`);
  if (room === undefined && sender.kind === 'stranger') {
    fail(`"${sender.id}" is not a friend; strangers can only speak in rooms`);
  }
  const { msgId, createTime, media, content, fields } =
    stored === undefined
      ? await storePhoneMedia(ctx, kind, input, sender.id)
      : linkStoredMedia(ctx, kind, stored, sender.id, input);
  let deliveredTo = 0;
  for (const s of ctx.sessions.active()) {
    const queued = s.enqueue({
      ...wireMessage({
        msgId,
        from: s.names.userName(room?.id ?? sender.id),
        to: s.selfUserName,
        type: MSG_TYPES[kind],
        content: room ? groupContent(s.names.userName(sender.id), content) : content,
        createTime,
      }),
      ...fields,
    });
    if (queued) deliveredTo += 1;
  }
  rememberPhoneMessage(ctx, msgId, sender.id, room?.id);
  const injected: InjectedMedia = {
    msgId,
    createTime,
    from: sender.id,
    kind,
    msgType: MSG_TYPES[kind],
    media: mediaView(mediaStateOf(ctx).store, media),
    deliveredTo,
  };
  if (room !== undefined) injected.room = room.id;
  return injected;
}

/** The phone's media methods, mixed into EmulatorPhone. */
export function createPhoneMedia(ctx: EmulatorContext): PhoneMedia {
  return {
    sendImage: (input) => sendPhoneMedia(ctx, 'image', input),
    sendVoice: (input) => sendPhoneMedia(ctx, 'voice', input),
    sendVideo: (input) => sendPhoneMedia(ctx, 'video', input),
    sendShortVideo: (input) => sendPhoneMedia(ctx, 'short-video', input),
    sendFile: (input) => sendPhoneMedia(ctx, 'file', input),
    sendEmoticon: (input) => sendPhoneMedia(ctx, 'emoticon', input),
    revokes: () => [...mediaStateOf(ctx).revokes],
  };
}
