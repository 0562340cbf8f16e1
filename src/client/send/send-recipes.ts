/**
 * What a send is, as plain JSON (a recipe): enough to build its request again for any session (the
 * addresses and credentials come in when it is built), so the outbox can log it, retry it, re-address
 * it after a new login and re-send it after a crash. Forwarding (§5.4) is turned into a recipe here.
 */
import { InvalidArgumentError } from '../../errors.js';
import type { Message } from '../../model/index.js';
import { splitRoomPrefix, wireTextToPlain } from '../../model/index.js';
import type { HttpRequestSpec } from '../../protocol/http-request.js';
import { buildSendTextRequest, parseSendMsgReply } from '../../protocol/index.js';
import { fileExtension } from '../../protocol/media.js';
import {
  appMsgFileXml,
  buildRevokeRequest,
  buildSendAppMsgRequest,
  buildSendEmoticonRequest,
  buildSendImageRequest,
  buildSendVideoRequest,
  parseRevokeReply,
} from '../../protocol/media-message.js';
import type { SessionContext } from '../../protocol/session-context.js';
import { buildSendCardRequest } from '../../protocol/share-message.js';
import type { SentKind } from '../media/media-api-types.js';
import { MediaError } from '../media/media-errors.js';
import { mediaKindOf, mediaRefOf, rawContentOf } from '../media/media-ref.js';
import type { UploadKind } from '../session/app-mode.js';

/** A file to upload before the send (its MediaId is not known yet). */
export interface UploadPlan {
  fileName: string;
  /** An absolute path, when the input was one: a re-send after a crash uploads it again from there. */
  path?: string;
}

/** One send, as JSON. */
export interface SendRecipe {
  /**
   * Which request: webwxsendmsg (a text, or a contact card: Type 42), …img, …video, …emoticon,
   * …appmsg, or webwxrevokemsg.
   */
  build: 'text' | 'card' | 'image' | 'video' | 'emoticon' | 'app' | 'revoke';
  /** What the caller gets back as `kind` (SentKind), or 'revoke'. */
  kind: SentKind | 'revoke';
  /** Text content, the decoded XML of a forwarded medium, a contact card's XML, or an appmsg XML. */
  content?: string;
  mediaId?: string;
  md5?: string;
  /** AppMsgType for build 'app' (6: file, 5: link card, 3: music, 33: mini program). */
  appMsgType?: number;
  /** webwxcheckupload's Signature (large files). */
  signature?: string;
  /** 2 for forwards (§5.4). */
  scene?: 2;
  /** Media still to upload; cleared once the MediaId is known. */
  upload?: UploadPlan;
  /** For files: the size, to build the appmsg XML once uploaded. */
  size?: number;
  /** For revoke: the sent message's MsgID and LocalID. */
  svrMsgId?: string;
  localId?: string;
}

/** The recipe of a text. */
export function textRecipe(text: string): SendRecipe {
  return { build: 'text', kind: 'text', content: text };
}

/** The recipe of a media send of `kind` (uploaded when its turn comes). */
export function uploadRecipe(kind: UploadKind, upload: UploadPlan): SendRecipe {
  return {
    build: kind === 'file' ? 'app' : kind,
    kind,
    ...(kind === 'file' ? { appMsgType: 6 } : {}),
    upload,
  };
}

/** Fills in what an upload brought (MediaId, Signature; a file's appmsg XML). */
export function withUpload(
  recipe: SendRecipe,
  uploaded: { mediaId: string; signature: string; size: number; fileName: string },
  desktop: boolean,
): SendRecipe {
  const { upload: _done, ...rest } = recipe;
  const next: SendRecipe = { ...rest, mediaId: uploaded.mediaId, size: uploaded.size };
  if (uploaded.signature) next.signature = uploaded.signature;
  if (recipe.build === 'app') {
    next.content = appMsgFileXml({
      title: uploaded.fileName,
      totalLen: uploaded.size,
      attachId: uploaded.mediaId,
      fileExt: fileExtension(uploaded.fileName),
      desktop,
    });
  }
  return next;
}

/** The recipe of a revoke (§5.6); InvalidArgumentError without the MsgId of the message sent. */
export function revokeRecipe(msgId: string, localId: string): SendRecipe {
  if (!msgId)
    throw new InvalidArgumentError(
      'revoke',
      'revoke: needs { msgId, localId, toUserName } of a sent message',
    );
  return { build: 'revoke', kind: 'revoke', svrMsgId: msgId, localId };
}

/** The addresses and ids a recipe's request is built with. */
export interface SendAddress {
  deviceId: string;
  from: string;
  to: string;
  clientMsgId: string;
}

/** The request of a recipe (built for each attempt: the SKey may have changed, the address too). */
export function buildRecipeRequest(ctx: SessionContext, recipe: SendRecipe, a: SendAddress): HttpRequestSpec {
  const base = { ...a, ...(recipe.scene ? { scene: recipe.scene } : {}) };
  const mediaId = recipe.mediaId ?? '';
  switch (recipe.build) {
    case 'text': {
      const spec = buildSendTextRequest(ctx, { ...a, content: recipe.content ?? '' });
      return recipe.scene ? withScene(spec, recipe.scene) : spec;
    }
    case 'card': {
      const spec = buildSendCardRequest(ctx, { ...a, content: recipe.content ?? '' });
      return recipe.scene ? withScene(spec, recipe.scene) : spec;
    }
    case 'image':
      return buildSendImageRequest(ctx, { ...base, mediaId, ...contentOf(recipe) });
    case 'video':
      return buildSendVideoRequest(ctx, { ...base, mediaId, ...contentOf(recipe) });
    case 'emoticon':
      return buildSendEmoticonRequest(ctx, { ...base, mediaId, ...(recipe.md5 ? { md5: recipe.md5 } : {}) });
    case 'app':
      return buildSendAppMsgRequest(ctx, {
        ...base,
        content: recipe.content ?? '',
        type: recipe.appMsgType ?? 6,
        ...(recipe.signature ? { signature: recipe.signature } : {}),
      });
    case 'revoke':
      return buildRevokeRequest(ctx, {
        deviceId: a.deviceId,
        svrMsgId: recipe.svrMsgId ?? '',
        clientMsgId: recipe.localId ?? '',
        toUserName: a.to,
      });
  }
}

/** The reply of a recipe's request: the MsgID and LocalID ('' for a revoke). Ret ≠ 0 → ProtocolError. */
export function parseRecipeReply(
  recipe: SendRecipe,
  endpoint: string,
  text: string,
): { msgId: string; localId: string } {
  if (recipe.build === 'revoke') {
    parseRevokeReply(text);
    return { msgId: '', localId: '' };
  }
  const sent = parseSendMsgReply(endpoint, text);
  return { msgId: sent.MsgID, localId: sent.LocalID };
}

function contentOf(recipe: SendRecipe): { content?: string } {
  return recipe.content ? { content: recipe.content } : {};
}

function withScene(spec: HttpRequestSpec, scene: number): HttpRequestSpec {
  const body = spec.body;
  if (body?.kind !== 'json') return spec;
  return { ...spec, body: { kind: 'json', value: { ...(body.value as object), Scene: scene } } };
}

/** The Content to forward: without the group sender prefix, `<br/>` and entities decoded (§5.4). */
export function forwardContent(rawContent: string): string {
  return wireTextToPlain(splitRoomPrefix(rawContent).body);
}

/**
 * A forward as a recipe (§5.4): Scene 2, the endpoint matching the kind; media by their MediaId
 * (with the decoded XML as Content), emoticons by md5, files as an appmsg whose attachid is the
 * MediaId, contact cards as Type 42 with their XML. MediaError 'no-media' for what cannot be
 * forwarded (voice, store emoticons, no MediaId).
 */
export function forwardRecipe(message: Message, desktop: boolean): SendRecipe {
  if (message.kind === 'text') return { build: 'text', kind: 'text', content: message.text, scene: 2 };
  const content = forwardContent(rawContentOf(message));
  // A contact card goes back to webwxsendmsg as Type 42 with its XML (the endpoint matching the type).
  if (message.kind === 'card') return { build: 'card', kind: 'card', content, scene: 2 };
  const kind = mediaKindOf(message);
  if (kind === undefined) {
    if ('appMsgType' in message && message.appMsgType > 0) {
      return { build: 'app', kind: 'app', content, appMsgType: message.appMsgType, scene: 2 };
    }
    throw new MediaError('no-media', `a ${message.kind} message cannot be forwarded`);
  }
  const ref = mediaRefOf(message);
  switch (kind) {
    case 'image':
    case 'video':
      return { build: kind, kind, mediaId: ref.mediaId, content, scene: 2 };
    case 'emoticon': {
      if (message.kind === 'emoticon' && message.isStore) {
        throw new MediaError('no-media', 'store emoticons cannot be forwarded');
      }
      const md5 = message.kind === 'emoticon' ? message.emoticonMd5 || ref.md5 : ref.md5;
      if (!md5 && !ref.mediaId) throw new MediaError('no-media', 'the emoticon has neither md5 nor MediaId');
      return { build: 'emoticon', kind: 'emoticon', mediaId: ref.mediaId, md5, scene: 2 };
    }
    case 'file': {
      const attachId = ref.mediaId || ref.attachId;
      if (!attachId) throw new MediaError('no-media', 'the file message has no MediaId');
      const xml = appMsgFileXml({
        title: ref.fileName,
        totalLen: ref.fileSize,
        attachId,
        fileExt: message.kind === 'file' && message.fileExt ? message.fileExt : fileExtension(ref.fileName),
        desktop,
      });
      return { build: 'app', kind: 'file', mediaId: attachId, content: xml, appMsgType: 6, scene: 2 };
    }
    default:
      throw new MediaError('no-media', 'voice messages cannot be forwarded (the web client cannot either)');
  }
}
