export { type ApiClient, resolveRecipient } from './api-client.js';
export { ApiError } from './api-error.js';
export {
  type ApiHandler,
  type ApiServer,
  type ApiServerOptions,
  createApiHandler,
  isAuthorized,
  startApiServer,
} from './api-server.js';
export { DurableWebhookDelivery, prepareWebhookPosition, WEBHOOK_POSITION_KEY } from './durable-webhook.js';
export { type EventJson, type EventStore, isEventStore } from './event-log.js';
export { openApiDocument } from './openapi.js';
export {
  type DeliveryStats,
  EVENT_ID_HEADER,
  WebhookDelivery,
  type WebhookDeliveryOptions,
} from './webhook-delivery.js';
