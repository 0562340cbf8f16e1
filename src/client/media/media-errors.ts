/** Typed failures of media sending and downloading (docs/media.md). */
import { WebWxError } from '../../errors.js';

/** What went wrong with media: the `reason` of a {@link MediaError}. */
export type MediaErrorReason =
  /** The input is not usable: no file name for a Buffer/stream, not a file, unreadable. */
  | 'bad-input'
  /** Bigger than `media.maxUploadBytes` / `media.maxDownloadBytes`. */
  | 'too-large'
  /** A stream delivered another number of bytes than `options.size` said. */
  | 'size-mismatch'
  /** The message carries nothing to download or forward. */
  | 'no-media'
  /** The server answered the upload without a MediaId. */
  | 'upload-failed'
  /** The download broke off or could not be written; no partial file is left behind. */
  | 'download-failed';

/**
 * A media send, download or forward failed for a reason of its own (`reason`); network failures and
 * server refusals are TransportError and ProtocolError instead.
 */
export class MediaError extends WebWxError {
  readonly code = 'media' as const;
  readonly reason: MediaErrorReason;
  constructor(reason: MediaErrorReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}
