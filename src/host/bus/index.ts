export { BusConsumer, type BusConsumerOptions, type BusEvent } from './bus-consumer.js';
export { BusError, type BusProblem } from './bus-errors.js';
export {
  BUS_POSITION_KEY,
  InboundPublisher,
  type InboundPublisherOptions,
  prepareBusPosition,
} from './inbound-publisher.js';
export {
  type CommandResult,
  type OutboundBase,
  type OutboundCommand,
  parseCommand,
  publishCommand,
} from './outbound-command.js';
export {
  OutboundRunner,
  type OutboundRunnerOptions,
  type OutboundTarget,
  WORKER_GROUP,
} from './outbound-runner.js';
export {
  type AccountStreams,
  accountsKey,
  describeRedisUrl,
  openRedis,
  type RedisConnection,
  type RedisImporter,
  streamsOf,
} from './redis-connection.js';
