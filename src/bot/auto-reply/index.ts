export {
  type ChatCompletionsOptions,
  type ChatTurn,
  ConversationMemory,
  chatCompletionsSource,
  type MemoryLimits,
  parseChatCompletion,
} from './chat-completions.js';
export {
  type AutoReplyOptions,
  autoReply,
  type GroupPolicy,
  type ReplyInput,
  type ReplySource,
  shouldAutoReply,
  stripSelfMention,
} from './reply-source.js';
export {
  type ChatLists,
  chatAllowed,
  expandTemplate,
  loadRulesFile,
  matchRules,
  parseRules,
  type Rule,
  type RuleSet,
  rulesSource,
} from './rules.js';
export { parseWebhookReply, type WebhookSourceOptions, webhookSource } from './webhook.js';
