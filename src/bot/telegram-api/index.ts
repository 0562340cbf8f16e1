export {
  createTelegramApi,
  isTelegramPath,
  type TelegramApi,
  type TelegramApiDeps,
  type TelegramApiOptions,
  type TelegramClient,
} from './telegram-api.js';
export { TelegramError } from './telegram-error.js';
export { ChatIds, chatKeyOf, hashKey, MAX_CHAT_ID, telegramIdOf } from './telegram-ids.js';
export { MemoryLog, StoreLog, type TelegramLog, type TelegramStore } from './telegram-log.js';
export { toTelegramMessage } from './telegram-message.js';
export type { TgMessage, TgUpdate, TgUser } from './telegram-types.js';
export type { WebhookPusherOptions } from './telegram-webhook.js';
