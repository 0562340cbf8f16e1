/**
 * Forwarding (§5.4): a fresh ClientMsgId, FromUserName = self, Scene 2, and the endpoint matching the
 * kind; media go by their MediaId (and the decoded XML as Content), emoticons by md5, files as an
 * appmsg whose attachid is the MediaId.
 */
import type { Message } from '../model/index.js';
import { splitRoomPrefix, wireTextToPlain } from '../model/index.js';
import type { HttpRequestSpec } from '../protocol/http-request.js';
import { buildSendTextRequest } from '../protocol/index.js';
import { fileExtension } from '../protocol/media.js';
import {
  appMsgFileXml,
  buildSendAppMsgRequest,
  buildSendEmoticonRequest,
  buildSendImageRequest,
  buildSendVideoRequest,
} from '../protocol/media-message.js';
import { MediaError } from './media-errors.js';
import { mediaKindOf, mediaRefOf, rawContentOf } from './media-ref.js';
import { postSend } from './media-service.js';
import type { SentKind, SentMessage } from './media-types.js';
import type { MessageServiceDeps } from './message-service.js';

/** The Content to forward: without the group sender prefix, `<br/>` and entities decoded (§5.4). */
export function forwardContent(rawContent: string): string {
  return wireTextToPlain(splitRoomPrefix(rawContent).body);
}

function withScene(spec: HttpRequestSpec, scene: number): HttpRequestSpec {
  const body = spec.body;
  if (body?.kind !== 'json') return spec;
  return { ...spec, body: { kind: 'json', value: { ...(body.value as object), Scene: scene } } };
}

export async function forwardMessage(
  deps: MessageServiceDeps,
  message: Message,
  to: string,
): Promise<SentMessage> {
  if (!to) throw new TypeError('forward: `to` must be a UserName');
  const { rt, session } = deps;
  const ctx = session.context();
  const clientMsgId = rt.nextClientMsgId();
  const base = { deviceId: session.deviceId, from: session.selfUserName, to, clientMsgId, scene: 2 as const };
  const send = (spec: HttpRequestSpec, kind: SentKind, mediaId = '') =>
    postSend(deps, spec, clientMsgId, to, kind, mediaId);

  if (message.kind === 'text') {
    const spec = buildSendTextRequest(ctx, { ...base, content: message.text });
    return send(withScene(spec, 2), 'text');
  }
  const kind = mediaKindOf(message);
  const content = forwardContent(rawContentOf(message));
  if (kind === undefined) {
    if ('appMsgType' in message && message.appMsgType > 0) {
      const spec = buildSendAppMsgRequest(ctx, { ...base, content, type: message.appMsgType });
      return send(spec, 'app');
    }
    throw new MediaError('no-media', `a ${message.kind} message cannot be forwarded`);
  }
  const ref = mediaRefOf(message);
  switch (kind) {
    case 'image':
      return send(
        buildSendImageRequest(ctx, { ...base, mediaId: ref.mediaId, content }),
        'image',
        ref.mediaId,
      );
    case 'video':
      return send(
        buildSendVideoRequest(ctx, { ...base, mediaId: ref.mediaId, content }),
        'video',
        ref.mediaId,
      );
    case 'emoticon': {
      if (message.kind === 'emoticon' && message.isStore) {
        throw new MediaError('no-media', 'store emoticons cannot be forwarded');
      }
      const md5 = message.kind === 'emoticon' ? message.emoticonMd5 || ref.md5 : ref.md5;
      if (!md5 && !ref.mediaId) throw new MediaError('no-media', 'the emoticon has neither md5 nor MediaId');
      const spec = buildSendEmoticonRequest(ctx, { ...base, mediaId: ref.mediaId, md5 });
      return send(spec, 'emoticon', ref.mediaId);
    }
    case 'file': {
      const attachId = ref.mediaId || ref.attachId;
      if (!attachId) throw new MediaError('no-media', 'the file message has no MediaId');
      const xml = appMsgFileXml({
        title: ref.fileName,
        totalLen: ref.fileSize,
        attachId,
        fileExt: message.kind === 'file' && message.fileExt ? message.fileExt : fileExtension(ref.fileName),
        desktop: session.desktop,
      });
      return send(buildSendAppMsgRequest(ctx, { ...base, content: xml, type: 6 }), 'file', attachId);
    }
    default:
      throw new MediaError('no-media', 'voice messages cannot be forwarded (the web client cannot either)');
  }
}
