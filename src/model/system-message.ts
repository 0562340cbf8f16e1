/**
 * System messages (MsgType 10000, §9.6, §9.7): the plain-text notices in Chinese and English, and the
 * `<sysmsg>` XML forms (pat, sysmsgtemplate). Pure; never throws.
 */

import type { SystemEvent } from './message-types.js';
import { type XmlNode, xmlAttr, xmlChild, xmlPath, xmlText } from './message-xml.js';

/** How names in lists are joined (§9.6). */
const LIST_SEPARATOR = '、';
/** Longer notices are not matched against the patterns (names are short). */
const MAX_NOTICE_LENGTH = 4096;

const SELF_WORDS = new Set(['你', 'You', 'you']);

/** `" 桔小秘"` → `桔小秘`: surrounding quotes and the spaces the server leaves inside them go. */
function cleanName(raw: string): string {
  let s = raw.trim();
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) s = s.slice(1, -1).trim();
  return s;
}

function nameList(raw: string): string[] {
  return cleanName(raw)
    .split(LIST_SEPARATOR)
    .map(cleanName)
    .filter((n) => n !== '');
}

type Rule = readonly [RegExp, (m: RegExpExecArray) => SystemEvent];

function join(inviter: string, members: string[], via: 'invite' | 'qrcode', selfJoined = false): SystemEvent {
  const who = cleanName(inviter);
  return { type: 'room-join', inviter: who, inviterIsSelf: SELF_WORDS.has(who), members, selfJoined, via };
}

const g = (m: RegExpExecArray, i: number): string => m[i] ?? '';

/** Order matters: the specific forms come before the general ones. */
const RULES: readonly Rule[] = [
  // Friends.
  [/^你已添加了(.+)，现在可以开始聊天了。$/s, (m) => friend(g(m, 1), 'you')],
  [/^(.+)刚刚把你添加到通讯录，现在可以开始聊天了。$/s, (m) => friend(g(m, 1), 'them')],
  [/^You have added (.+) as your WeChat contact\. Start chatting!$/s, (m) => friend(g(m, 1), 'you')],
  [
    /^(.+) just added you to his\/her contacts list\. Send a message to him\/her now!$/s,
    (m) => friend(g(m, 1), 'them'),
  ],
  // Joins, Chinese.
  [/^你邀请(.+)加入了群聊$/s, (m) => join('你', nameList(g(m, 1)), 'invite')],
  [/^(.+)邀请你和(.+)加入了群聊$/s, (m) => join(g(m, 1), ['你', ...nameList(g(m, 2))], 'invite', true)],
  [/^(.+)邀请你加入了群聊(?:，群聊参与人还有：.*)?$/s, (m) => join(g(m, 1), ['你'], 'invite', true)],
  [/^(.+)邀请(.+)加入了群聊$/s, (m) => join(g(m, 1), nameList(g(m, 2)), 'invite')],
  [/^(.+)通过扫描你分享的二维码加入群聊$/s, (m) => join('你', nameList(g(m, 1)), 'qrcode')],
  [/^(.+)通过扫描(.+)分享的二维码加入群聊$/s, (m) => join(g(m, 2), nameList(g(m, 1)), 'qrcode')],
  // Joins, English.
  [/^You invited (.+) to (?:the|a) group chat\.?$/s, (m) => join('You', nameList(g(m, 1)), 'invite')],
  [
    /^(.+) invited you and (.+) to (?:the|a) group chat\.?$/s,
    (m) => join(g(m, 1), ['you', ...nameList(g(m, 2))], 'invite', true),
  ],
  [
    /^(.+) invited you to (?:the|a) group chat(?: with .*)?\.?$/s,
    (m) => join(g(m, 1), ['you'], 'invite', true),
  ],
  [/^(.+) invited (.+) to (?:the|a) group chat\.?$/s, (m) => join(g(m, 1), nameList(g(m, 2)), 'invite')],
  [
    /^(.+) joined (?:the )?group chat via (?:the )?QR code you shared\.?$/is,
    (m) => join('you', nameList(g(m, 1)), 'qrcode'),
  ],
  [
    /^(.+) joined (?:the )?group chat via (?:the )?QR code shared by (.+?)\.?$/is,
    (m) => join(g(m, 2), nameList(g(m, 1)), 'qrcode'),
  ],
  // Leaves: each removal is its own message, so the name is never a list (§9.6).
  [/^你将(.+)移出了群聊$/s, (m) => leave([cleanName(g(m, 1))], '你', 'you-removed')],
  [/^You removed (.+) from the group chat\.?$/s, (m) => leave([cleanName(g(m, 1))], 'You', 'you-removed')],
  [/^你被(.+)移出群聊$/s, (m) => leave(['你'], cleanName(g(m, 1)), 'you-were-removed')],
  [
    /^You were removed from the group chat by (.+?)\.?$/s,
    (m) => leave(['You'], cleanName(g(m, 1)), 'you-were-removed'),
  ],
  [/^(.+)将(.+)移出了群聊$/s, (m) => leave([cleanName(g(m, 2))], cleanName(g(m, 1)), 'removed')],
  [
    /^(.+) removed (.+) from the group chat\.?$/s,
    (m) => leave([cleanName(g(m, 2))], cleanName(g(m, 1)), 'removed'),
  ],
  // Topics.
  [/^你修改群名为“(.*)”$/s, (m) => topic(g(m, 1), '你')],
  [/^(.+)修改群名为“(.*)”$/s, (m) => topic(g(m, 2), g(m, 1))],
  [/^You changed the group name to "(.*)"\.?$/s, (m) => topic(g(m, 1), 'You')],
  [/^(.+) changed the group name to "(.*)"\.?$/s, (m) => topic(g(m, 2), g(m, 1))],
  // Money (§9.7).
  [/^(?:收到红包|收到利是)/, () => ({ type: 'red-packet', direction: 'received' })],
  [/^(?:发出红包|发出利是)/, () => ({ type: 'red-packet', direction: 'sent' })],
  [/^群收款/, () => ({ type: 'red-packet', direction: 'collection' })],
  [/^收到转账/, () => ({ type: 'transfer', direction: 'received' })],
  [/^(?:发出转账|你发起了一笔转账)/, () => ({ type: 'transfer', direction: 'sent' })],
];

function friend(name: string, by: 'you' | 'them'): SystemEvent {
  return { type: 'friend-confirmed', name: cleanName(name), by };
}

function leave(
  members: string[],
  remover: string,
  by: 'removed' | 'you-removed' | 'you-were-removed',
): SystemEvent {
  return { type: 'room-leave', members, remover, by };
}

function topic(name: string, by: string): SystemEvent {
  const who = cleanName(by);
  return { type: 'room-topic', topic: name, by: who, byIsSelf: SELF_WORDS.has(who) };
}

/** The meaning of a system notice's plain text (trailing spaces and a trailing `$revoke$` ignored). */
export function parseSystemText(text: string): SystemEvent {
  if (typeof text !== 'string' || text.length > MAX_NOTICE_LENGTH) return { type: 'other' };
  const s = text.replace(/\s*\$revoke\$\s*$/, '').trim();
  if (s === '') return { type: 'other' };
  for (const [pattern, build] of RULES) {
    const m = pattern.exec(s);
    if (m) return build(m);
  }
  return { type: 'other' };
}

/**
 * `<sysmsg type="…">` system messages: `pat`, and `sysmsgtemplate` (the template's `$name$` links are
 * filled with the members' nicknames, then read as a plain notice). `revokemsg` is handled as a revoke
 * by the caller.
 */
export function decodeSysmsg(root: XmlNode): { text: string; event: SystemEvent } {
  const sysmsg = xmlChild(root, 'sysmsg');
  const type = xmlAttr(sysmsg, 'type');
  if (type === 'pat') {
    const pat = xmlChild(sysmsg, 'pat');
    const template = xmlText(pat, 'template');
    const from = xmlText(pat, 'fromusername');
    const patted = xmlText(pat, 'pattedusername');
    return { text: template, event: { type: 'pat', from, patted, template } };
  }
  if (type === 'sysmsgtemplate') {
    const template = xmlPath(sysmsg, 'sysmsgtemplate', 'content_template');
    const text = fillTemplate(xmlText(template, 'template'), xmlChild(template, 'link_list'));
    return { text, event: parseSystemText(text) };
  }
  return { text: '', event: { type: 'other' } };
}

function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

function fillTemplate(template: string, links: XmlNode | undefined): string {
  const names = new Map<string, string>();
  for (const link of asArray(links?.link)) {
    if (typeof link !== 'object' || link === null) continue;
    const node = link as XmlNode;
    const members = asArray(xmlChild(node, 'memberlist')?.member)
      .map((m) => (typeof m === 'object' && m !== null ? xmlText(m as XmlNode, 'nickname') : ''))
      .filter((n) => n !== '');
    const plain = xmlText(node, 'plain');
    names.set(xmlAttr(node, 'name'), members.length > 0 ? members.join(LIST_SEPARATOR) : plain);
  }
  return template.replace(/\$([A-Za-z_]+)\$/g, (whole, name: string) => names.get(name) ?? whole);
}
