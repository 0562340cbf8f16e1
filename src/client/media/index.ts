/**
 * The media room of the client: what an upload reads and where a download writes. Media *sends*
 * belong to the outbox (../send/), like every other send.
 *
 * - media-source.ts: a file, bytes or a stream, spooled to a private temp file when needed.
 * - download.ts: the right endpoint per kind (§6.3), streamed to the caller or into a directory.
 * - safe-file-name.ts: names from messages made safe (no traversal, no device names).
 * - media-ref.ts: a message's media kind and reference.
 * - media-service.ts: `client.media`, downloads and what a media send needs.
 * - media-api-types.ts, media-errors.ts: the public types and typed errors.
 */
export * from './download.js';
export * from './media-api-types.js';
export * from './media-errors.js';
export * from './media-ref.js';
export * from './media-service.js';
export * from './media-source.js';
export * from './safe-file-name.js';
