/**
 * The client's send methods (`sendText` … `revoke`): each checks its call, builds the send's recipe
 * and hands it to the outbox of the live session. The client (client.ts) extends this class and
 * supplies that outbox; what happens to a send after `enqueue` (order, pacing, the store log, the
 * Ret-code policy, re-addressing) is the outbox's (outbox.ts).
 */
import type { Message } from '../../model/index.js';
import type { WebApp } from '../../protocol/session-context.js';
import type { SendTextResult } from '../client-types.js';
import type { ContactService } from '../contacts/contact-service-types.js';
import type { MediaInput, RevokeTarget, SendMediaOptions, SentMessage } from '../media/media-api-types.js';
import { type MediaSendMethod, mediaSendRecipe } from '../media/media-service.js';
import { assertAvailable, assertRecipient } from '../session/app-mode.js';
import { mentionBody } from './mentions.js';
import type { Outbox } from './outbox.js';
import { forwardRecipe, revokeRecipe, type SendRecipe, textRecipe } from './send-recipes.js';
import type { SendOptions, SendTextOptions } from './send-types.js';
import { type CardDirectory, type ShareInput, type ShareMethod, shareRecipe } from './share-recipes.js';

/** Where mentions and contact cards look their contacts up. */
export type SendsDirectory = Pick<ContactService, 'members' | 'byStableId'> & CardDirectory;

export abstract class ClientSends {
  readonly #app: WebApp;
  readonly #contacts: SendsDirectory;

  /**
   * `app`: which web app the client logs in to (the File Transfer web refuses some sends, and every
   * recipient but filehelper).
   */
  constructor(app: WebApp, contacts: SendsDirectory) {
    this.#app = app;
    this.#contacts = contacts;
  }

  get app(): WebApp {
    return this.#app;
  }

  /**
   * The outbox of the live session. While a new login is under way (autoRelogin) sends are still
   * taken: they wait in the outbox. Throws when the client never logged in or its session is over.
   */
  protected abstract liveOutbox(method: string): Outbox;

  async sendText(to: string, text: string, options: SendTextOptions = {}): Promise<SendTextResult> {
    assertRecipient(this.#app, 'sendText', to);
    const { mentions, ...rest } = options;
    const body = mentions ? mentionBody(this.#contacts, to, text, mentions) : text;
    const sent = await this.#send('sendText', to, textRecipe(body), rest);
    return { msgId: sent.msgId, localId: sent.localId, toUserName: sent.toUserName, text: body };
  }

  async sendImage(to: string, input: MediaInput, options: SendMediaOptions = {}): Promise<SentMessage> {
    assertRecipient(this.#app, 'sendImage', to);
    return this.#sendMedia('sendImage', to, input, options);
  }

  async sendFile(to: string, input: MediaInput, options: SendMediaOptions = {}): Promise<SentMessage> {
    assertRecipient(this.#app, 'sendFile', to);
    return this.#sendMedia('sendFile', to, input, options);
  }

  sendLink(to: string, link: ShareInput['sendLink'], options?: SendOptions): Promise<SentMessage> {
    return this.#share('sendLink', to, link, options);
  }

  sendMusic(to: string, music: ShareInput['sendMusic'], options?: SendOptions): Promise<SentMessage> {
    return this.#share('sendMusic', to, music, options);
  }

  sendMiniProgram(to: string, program: ShareInput['sendMiniProgram'], options?: SendOptions) {
    return this.#share('sendMiniProgram', to, program, options);
  }

  sendContactCard(to: string, contact: ShareInput['sendContactCard'], options?: SendOptions) {
    return this.#share('sendContactCard', to, contact, options);
  }

  async sendVideo(to: string, input: MediaInput, options: SendMediaOptions = {}): Promise<SentMessage> {
    assertAvailable(this.#app, 'sendVideo');
    return this.#sendMedia('sendVideo', to, input, options);
  }

  async sendEmoticon(to: string, input: MediaInput, options: SendMediaOptions = {}): Promise<SentMessage> {
    assertAvailable(this.#app, 'sendEmoticon');
    return this.#sendMedia('sendEmoticon', to, input, options);
  }

  async forward(message: Message, to: string, options: SendOptions = {}): Promise<SentMessage> {
    assertAvailable(this.#app, 'forward');
    const outbox = this.liveOutbox('forward');
    return this.#send('forward', to, forwardRecipe(message, outbox.deps.session.desktop), options);
  }

  async revoke(sent: RevokeTarget, options: SendOptions = {}): Promise<void> {
    assertAvailable(this.#app, 'revoke');
    const recipe = revokeRecipe(sent?.msgId ?? '', sent?.localId ?? ''); // refuses an empty msgId
    await this.#send('revoke', sent?.toUserName ?? '', recipe, options); // the outbox, an empty toUserName
  }

  /** A share (share-recipes.ts): the call checked, then its recipe built (desktop mode: appid ''). */
  async #share<M extends ShareMethod>(
    method: M,
    to: string,
    input: ShareInput[M],
    options: SendOptions = {},
  ) {
    assertAvailable(this.#app, method);
    const desktop = this.liveOutbox(method).deps.session.desktop;
    return this.#send(method, to, shareRecipe(method, input, desktop, this.#contacts), options);
  }

  /** Every send enters the outbox here. */
  #send(method: string, to: string, recipe: SendRecipe, options: SendOptions): Promise<SentMessage> {
    return this.liveOutbox(method).enqueue(to, recipe, { ...options, method });
  }

  async #sendMedia(
    method: MediaSendMethod,
    to: string,
    input: MediaInput,
    options: SendMediaOptions,
  ): Promise<SentMessage> {
    const outbox = this.liveOutbox(method);
    const recipe = mediaSendRecipe(this.#app, method, input, options);
    const { causedBy, key, signal, ...media } = options;
    return outbox.enqueue(to, recipe, {
      method,
      input,
      media: { ...media, ...(signal ? { signal } : {}) },
      ...(causedBy !== undefined ? { causedBy } : {}),
      ...(key !== undefined ? { key } : {}),
      ...(signal ? { signal } : {}),
    });
  }
}
