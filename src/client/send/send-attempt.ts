/**
 * One attempt of a send (outbox.ts): address it (re-addressed after a new login), check that the
 * web app can serve it, upload its medium when it has none yet (logging the MediaId), build its
 * request for the current session and post it. What its success or failure does is send-outcome.ts's.
 */
import type { WebApp } from '../../protocol/session-context.js';
import { errorText } from '../error-text.js';
import { openUploadSource } from '../media/media-source.js';
import type { RuntimeSendOptions } from '../runtime.js';
import { type AppFeature, assertAvailable, assertRecipient, type UploadKind } from '../session/app-mode.js';
import type { Session } from '../session/session-state.js';
import type { Lane } from './lane.js';
import { uploadMedia } from './media-upload.js';
import type { Readdressing } from './readdress.js';
import type { Job } from './send-job.js';
import { uploadedRaw } from './send-log.js';
import { type OutcomeOutbox, sendFailed, sendSucceeded } from './send-outcome.js';
import { buildRecipeRequest, parseRecipeReply, type SendRecipe, withUpload } from './send-recipes.js';

/**
 * What an attempt uses of the outbox. The Outbox (outbox.ts) is one; named here so that the two
 * files do not import each other.
 */
export interface AttemptOutbox extends OutcomeOutbox {
  readonly deps: OutcomeOutbox['deps'] & { readonly session: Session };
  readonly readdressing: Readdressing;
  uploads: number;
  started(lane: Lane<Job>): void;
  finished(lane: Lane<Job>): void;
}

const PLAIN: RuntimeSendOptions = {};
const ORDERED: RuntimeSendOptions = { ordered: true };

export async function runAttempt(outbox: AttemptOutbox, lane: Lane<Job>, job: Job): Promise<void> {
  const { rt, session } = outbox.deps;
  outbox.started(lane);
  job.attempts++;
  let msgId: string;
  let localId: string;
  try {
    if (job.signal?.aborted) throw job.signal.reason;
    const to = outbox.readdressing.addressOf(job);
    // The File Transfer web's limits hold on every path, re-sends after a restart included.
    assertServable(session.app, job.method, job.recipe, to);
    if (job.recipe.upload) await upload(outbox, job, to);
    const spec = buildRecipeRequest(session.context(), job.recipe, {
      deviceId: session.deviceId,
      from: session.selfUserName,
      to,
      clientMsgId: job.clientMsgId,
    });
    const reply = await rt.send(spec, lane.ordered ? ORDERED : PLAIN);
    ({ msgId, localId } = parseRecipeReply(job.recipe, spec.endpoint, reply.text));
  } catch (error) {
    outbox.finished(lane);
    sendFailed(outbox, lane, job, error);
    return;
  }
  outbox.finished(lane);
  rt.logger.debug({ kind: job.recipe.kind, msgId, attempt: job.attempts }, 'sent');
  await sendSucceeded(outbox, lane, job, msgId, localId);
}

/** The call a recipe stands for, as the app-mode table names it. */
function featureOf(method: string, recipe: SendRecipe): AppFeature | undefined {
  if (recipe.build === 'revoke') return 'revoke';
  if (recipe.scene === 2) return 'forward';
  if (recipe.build === 'video') return 'sendVideo';
  if (recipe.build === 'emoticon') return 'sendEmoticon';
  if (recipe.build === 'card') return 'sendContactCard';
  if (recipe.build === 'app' && recipe.appMsgType === 5) return 'sendLink';
  if (recipe.build === 'app' && recipe.appMsgType === 3) return 'sendMusic';
  if (recipe.build === 'app' && recipe.appMsgType === 33) return 'sendMiniProgram';
  return method === 'forward' ? 'forward' : undefined;
}

/** NotAvailableError when the client's web app cannot make this send (docs/filehelper.md). */
export function assertServable(app: WebApp, method: string, recipe: SendRecipe, to: string): void {
  const feature = featureOf(method, recipe);
  if (feature) assertAvailable(app, feature);
  const name = recipe.build === 'text' ? 'sendText' : recipe.build === 'image' ? 'sendImage' : 'sendFile';
  if (recipe.build !== 'revoke') assertRecipient(app, method === 'resend' ? name : method, to);
}

function uploadKindOf(recipe: SendRecipe): UploadKind {
  return recipe.build === 'app' ? 'file' : (recipe.build as UploadKind);
}

/** Opens the medium (once per send), uploads it, and logs the MediaId so a re-send reuses it. */
async function upload(outbox: AttemptOutbox, job: Job, to: string): Promise<void> {
  const { rt, session, store } = outbox.deps;
  const plan = job.recipe.upload;
  if (!plan) return;
  const input = job.input ?? plan.path ?? '';
  job.source ??= openUploadSource(
    input,
    { ...job.media, fileName: plan.fileName },
    rt.options.media.maxUploadBytes,
    rt.options.now(),
  );
  const source = await job.source;
  const uploaded = await uploadMedia(
    rt,
    session,
    to,
    source,
    uploadKindOf(job.recipe),
    outbox.uploads++,
    job.signal,
  );
  job.recipe = withUpload(
    job.recipe,
    { ...uploaded, size: source.size, fileName: source.fileName },
    session.desktop,
  );
  if (job.logged && store) {
    const raw = {
      ...uploadedRaw(session, { to, recipe: job.recipe, clientMsgId: job.clientMsgId }),
      FileName: source.fileName,
    };
    await store.updateOutgoing(job.clientMsgId, { status: 'pending', raw }).catch((error: unknown) => {
      rt.logger.warn({ error: errorText(error) }, 'logging the MediaId of an upload failed');
    });
  }
}
