/**
 * Messages as the message log keeps them (src/store): decoded messages in, text sends out.
 */
import type { Message } from '../../model/index.js';
import type { MessageStore, NewStoredMessage } from '../../store/index.js';

/** An incoming decoded message as a log entry (fields = the message without raw). */
export function storedIncoming(message: Message): NewStoredMessage {
  const { raw, ...fields } = message;
  return {
    direction: 'in',
    msgId: message.id,
    clientMsgId: '',
    chatUserName: message.chat.userName,
    senderUserName: message.sender.userName,
    kind: message.kind,
    createTime: message.createTime,
    text: message.text,
    fields: fields as unknown as Record<string, unknown>,
    raw: raw as unknown as Record<string, unknown>,
    status: 'sent',
  };
}

/** What MessageIntake.recordBatch does with a MessageStore: record, and emit inside the unit of work. */
export function recordBatchWith(
  store: MessageStore,
): (messages: readonly Message[], emit: (index: number) => void) => Promise<void> {
  return async (messages, emit) => {
    await store.recordIncoming(messages.map(storedIncoming), emit);
  };
}
