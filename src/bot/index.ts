/**
 * The bot framework: Bot, Composer, Context, filters, the send queue, auto-reply sources, the
 * HTTP API (docs/bot.md) and the File Transfer console (docs/console.md).
 */
export {
  type AutoReplyOptions,
  autoReply,
  type ChatCompletionsOptions,
  type ChatLists,
  type ChatTurn,
  ConversationMemory,
  chatCompletionsSource,
  type GroupPolicy,
  loadRulesFile,
  type MemoryLimits,
  parseRules,
  type ReplyInput,
  type ReplySource,
  type Rule,
  type RuleSet,
  rulesSource,
  type WebhookSourceOptions,
  webhookSource,
} from './auto-reply/index.js';
export { Bot, type BotActionsScope, type BotOptions, createBotActions } from './bot.js';
export type {
  BotClient,
  BotOutbox,
  BotSendOptions,
  MediaInput,
  RevokeTarget,
  SendResult,
} from './bot-client.js';
export { BotConfigError, NotAvailableError, QueueFullError } from './bot-errors.js';
export { ChatScheduler, type ChatSchedulerOptions } from './chat-scheduler.js';
export {
  Composer,
  type ErrorHandler,
  HandlerError,
  type Middleware,
  type MiddlewareFn,
  type MiddlewareObj,
  type NextFunction,
  type Trigger,
} from './composer.js';
export {
  type ConsoleActivity,
  type ConsoleAddress,
  type ConsoleClient,
  type ConsoleCommand,
  type ConsoleConfig,
  type ConsoleStatus,
  FileConsole,
  type FileConsoleOptions,
  loadConsoleConfig,
  type Notification,
  type NotifyOptions,
  type NotifyResult,
  parseConsoleConfig,
  type RunRequest,
  type RunResult,
  runCommand,
  sendNotification,
} from './console/index.js';
export { type BotActions, type ChatType, Context, type QueuedSend } from './context.js';
export {
  type ChatContext,
  filters,
  isChatType,
  isGroup,
  isKind,
  isOfficial,
  isPrivate,
  isSelf,
  isText,
  type KindContext,
  mentionsSelf,
} from './filters.js';
export type { HandledStore } from './handled-log.js';
export {
  type ApiClient,
  type ApiServer,
  type ApiServerOptions,
  type DeliveryStats,
  type EventStore,
  startApiServer,
  WebhookDelivery,
  type WebhookDeliveryOptions,
} from './http-api/index.js';
export { type MessageJson, messageToJson } from './message-json.js';
export {
  isRateLimited,
  RET_RATE_LIMITED,
  SendQueue,
  type SendQueueOptions,
  type SendQueueStats,
} from './send-queue.js';
export type { TelegramApiOptions, TelegramStore, WebhookPusherOptions } from './telegram-api/index.js';
