/**
 * The contacts room of the client: who is who, by UserName and by stable id.
 *
 * - contact-directory.ts: the contacts and rooms of a session, by UserName.
 * - contact-service.ts, contact-service-types.ts: `client.contacts`, its read API and public shape.
 * - contact-search.ts: search by remark, nickname, alias, topic and display name.
 * - room-service.ts: `client.rooms`, create, add, remove, rename, quit (§7.2, §7.3).
 * - stable-ids.ts, stable-id-entries.ts, stable-id-types.ts: ids that survive a new login.
 */
export * from './contact-directory.js';
export * from './contact-search.js';
export * from './contact-service.js';
export * from './contact-service-types.js';
export * from './room-service.js';
export * from './stable-id-entries.js';
export * from './stable-id-types.js';
export * from './stable-ids.js';
