export { ApiError } from './api-error.js';
export { openApiDocument } from './openapi.js';
export {
  type ApiClient,
  type ApiServer,
  type ApiServerOptions,
  isAuthorized,
  resolveRecipient,
  startApiServer,
} from './server.js';
export { type DeliveryStats, WebhookDelivery, type WebhookDeliveryOptions } from './webhook-delivery.js';
