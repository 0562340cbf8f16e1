/**
 * The demo's simulated people: friends and group members who send messages now and then, and who
 * answer what the user sends them. Drives the emulator's phone side only.
 */
import type { Phone, SentRecord } from '../emulator/index.js';

export interface ChatterCast {
  /** Stable ids of friends who write directly. */
  friends: string[];
  /** Rooms and the stable ids of members (not the user) who write there. */
  rooms: { id: string; members: string[] }[];
}

export interface ChatterOptions {
  phone: Phone;
  cast: ChatterCast;
  /** Mean seconds between spontaneous messages. */
  meanIntervalSeconds?: number;
  random?: () => number;
}

const DIRECT_LINES = [
  '在吗？',
  'Are we still on for lunch tomorrow?',
  '周末一起去爬山吗 ⛰️',
  'Just saw your message, will call you later 📞',
  '这个文件你看了吗',
  'Happy Friday! 🎉',
  '晚上吃什么？',
  'Did you push the fix?',
];

const ROOM_LINES = [
  '大家好 👋',
  'Meeting moved to 3pm',
  '今天的会议纪要我发到群里了',
  'Who is coming on Saturday?',
  '哈哈哈哈 😂',
  'Great work everyone!',
  '记得带伞，下午有雨 ☔',
  'Photos from yesterday are great',
];

const REPLIES = ['收到！', 'OK 👍', '好的，马上', 'Thanks!', '哈哈', 'Sounds good'];

export interface Chatter {
  stop(): void;
}

export function startChatter(options: ChatterOptions): Chatter {
  const { phone, cast } = options;
  const random = options.random ?? Math.random;
  const mean = options.meanIntervalSeconds ?? 6;
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const pick = <T>(items: readonly T[]): T | undefined => items[Math.floor(random() * items.length)];
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopped) fn();
    }, ms);
    timers.add(t);
  };
  const send = (input: Parameters<Phone['sendText']>[0]) => {
    try {
      phone.sendText(input);
    } catch {
      // A cast member the world does not know is skipped: the demo goes on.
    }
  };

  const spontaneous = () => {
    const room = cast.rooms.length > 0 && random() < 0.45 ? pick(cast.rooms) : undefined;
    if (room) {
      const member = pick(room.members);
      const text = pick(ROOM_LINES);
      if (member && text) send({ from: member, room: room.id, text });
    } else {
      const friend = pick(cast.friends);
      const text = pick(DIRECT_LINES);
      if (friend && text) send({ from: friend, text });
    }
    later((mean * 0.5 + random() * mean) * 1000, spontaneous);
  };

  const answer = (record: SentRecord) => {
    const room = cast.rooms.find((r) => r.id === record.to);
    const reply = pick(REPLIES) ?? 'OK';
    if (room) {
      const member = pick(room.members);
      if (member) later(800 + random() * 1500, () => send({ from: member, room: room.id, text: reply }));
    } else if (cast.friends.includes(record.to)) {
      later(800 + random() * 1500, () => send({ from: record.to, text: reply }));
    }
  };

  const offSent = phone.on('sent', answer);
  later(1500, spontaneous);

  return {
    stop() {
      stopped = true;
      offSent();
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
