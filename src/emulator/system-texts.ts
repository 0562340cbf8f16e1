/**
 * The MsgType 10000 system texts of PROTOCOL.md §9.6, in Chinese and English, exactly as the real
 * server words them (trailing spaces included). Names are display names; lists are joined by "、".
 */

export type SystemTextLang = 'zh' | 'en';

export type SystemTextEvent =
  | { kind: 'you-accepted'; name: string }
  | { kind: 'they-accepted'; name: string }
  | { kind: 'you-invited'; names: readonly string[] }
  | { kind: 'x-invited'; inviter: string; names: readonly string[] }
  | { kind: 'x-invited-you'; inviter: string; others: readonly string[] }
  | { kind: 'x-invited-you-and'; inviter: string; names: readonly string[] }
  | { kind: 'you-removed'; name: string }
  | { kind: 'you-were-removed'; by: string }
  | { kind: 'x-renamed'; by: string; topic: string }
  | { kind: 'you-renamed'; topic: string };

const LIST_SEPARATOR = '、';

/** The text of one system event. */
export function systemText(event: SystemTextEvent, lang: SystemTextLang = 'zh'): string {
  const zh = lang === 'zh';
  switch (event.kind) {
    case 'you-accepted':
      return zh
        ? `你已添加了${event.name}，现在可以开始聊天了。`
        : `You have added ${event.name} as your WeChat contact. Start chatting!`;
    case 'they-accepted':
      return zh
        ? `${event.name}刚刚把你添加到通讯录，现在可以开始聊天了。`
        : `${event.name} just added you to his/her contacts list. Send a message to him/her now!`;
    case 'you-invited': {
      const list = event.names.join(LIST_SEPARATOR);
      return zh ? `你邀请"${list}"加入了群聊  ` : `You invited ${list} to the group chat.   `;
    }
    case 'x-invited': {
      const list = event.names.join(LIST_SEPARATOR);
      return zh
        ? `"${event.inviter}"邀请"${list}"加入了群聊`
        : `${event.inviter} invited ${list} to the group chat`;
    }
    case 'x-invited-you': {
      const list = event.others.join(LIST_SEPARATOR);
      return zh
        ? `"${event.inviter}"邀请你加入了群聊，群聊参与人还有：${list}`
        : `${event.inviter} invited you to a group chat with ${list}`;
    }
    case 'x-invited-you-and': {
      const list = event.names.join(LIST_SEPARATOR);
      return zh
        ? `"${event.inviter}"邀请你和"${list}"加入了群聊`
        : `${event.inviter} invited you and ${list} to the group chat`;
    }
    case 'you-removed':
      return zh ? `你将"${event.name}"移出了群聊` : `You removed "${event.name}" from the group chat`;
    case 'you-were-removed':
      return zh ? `你被"${event.by}"移出群聊` : `You were removed from the group chat by "${event.by}"`;
    case 'x-renamed':
      return zh
        ? `"${event.by}"修改群名为“${event.topic}”`
        : `"${event.by}" changed the group name to "${event.topic}"`;
    case 'you-renamed':
      return zh ? `你修改群名为“${event.topic}”` : `You changed the group name to "${event.topic}"`;
  }
}
