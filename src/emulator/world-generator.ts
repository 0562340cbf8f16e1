/**
 * Generated worlds, deterministic for a seed. Members are stored as stable-id strings that reference
 * contacts (about half of each room's members are non-friend strangers from a shared pool), so a
 * 5,000-contact / 200-room / 500-member world is built in well under a second.
 */
import { InvalidArgumentError } from '../errors.js';
import type { ContactSpec, RoomMemberSpec, RoomSpec, WorldSpec } from './world-types.js';

/** The size of a generated world ({@link generateWorld}), and its seed. */
export interface GenerateWorldOptions {
  /** Listed contacts (friends and official accounts; filehelper comes on top). Default 100. */
  contacts?: number;
  /** Default 10. */
  rooms?: number;
  /** Members per room, the self included. Default 20. */
  membersPerRoom?: number;
  /** Default 1. */
  seed?: number;
}

/** The 'big' world: 5,000 contacts, 200 rooms of 500 members, seed 42. */
export const BIG_WORLD: Required<GenerateWorldOptions> = {
  contacts: 5000,
  rooms: 200,
  membersPerRoom: 500,
  seed: 42,
};

/** mulberry32: a small, fast, seedable PRNG. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES: [string, string][] = [
  ['王', 'wang'],
  ['李', 'li'],
  ['张', 'zhang'],
  ['刘', 'liu'],
  ['陈', 'chen'],
  ['杨', 'yang'],
  ['黄', 'huang'],
  ['赵', 'zhao'],
  ['吴', 'wu'],
  ['周', 'zhou'],
  ['徐', 'xu'],
  ['孙', 'sun'],
  ['马', 'ma'],
  ['朱', 'zhu'],
  ['胡', 'hu'],
  ['郭', 'guo'],
  ['何', 'he'],
  ['高', 'gao'],
  ['林', 'lin'],
  ['罗', 'luo'],
];
const GIVEN: [string, string][] = [
  ['伟', 'wei'],
  ['芳', 'fang'],
  ['娜', 'na'],
  ['敏', 'min'],
  ['静', 'jing'],
  ['丽', 'li'],
  ['强', 'qiang'],
  ['磊', 'lei'],
  ['军', 'jun'],
  ['洋', 'yang'],
  ['勇', 'yong'],
  ['艳', 'yan'],
  ['杰', 'jie'],
  ['娟', 'juan'],
  ['涛', 'tao'],
  ['明', 'ming'],
  ['超', 'chao'],
  ['秀', 'xiu'],
  ['霞', 'xia'],
  ['平', 'ping'],
  ['刚', 'gang'],
  ['英', 'ying'],
  ['华', 'hua'],
  ['文', 'wen'],
  ['玲', 'ling'],
  ['建', 'jian'],
  ['国', 'guo'],
  ['欣', 'xin'],
];
const FIRST = [
  'James',
  'Mary',
  'John',
  'Linda',
  'Robert',
  'Emma',
  'Michael',
  'Olivia',
  'David',
  'Sophia',
  'Daniel',
  'Chloe',
  'Kevin',
  'Grace',
  'Ryan',
  'Lily',
];
const LAST = ['Smith', 'Brown', 'Wang', 'Lee', 'Chen', 'Taylor', 'Wilson', 'Martin', 'Clark', 'Lewis'];
const TOPICS: [string, string][] = [
  ['同学会', 'tong xue hui'],
  ['业主群', 'ye zhu qun'],
  ['篮球队', 'lan qiu dui'],
  ['读书会', 'du shu hui'],
  ['项目组', 'xiang mu zu'],
  ['家长群', 'jia zhang qun'],
  ['羽毛球', 'yu mao qiu'],
  ['摄影爱好者', 'she ying ai hao zhe'],
];
const PROVINCES = ['北京', '上海', '广东', '浙江', '四川', '江苏', ''];
const LETTERS = 'abcdefghijklmnopqrstuvwxyz0123456789';

interface Gen {
  rnd: () => number;
  int(n: number): number;
  letters(n: number): string;
}

function gen(seed: number): Gen {
  const rnd = seededRandom(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  return {
    rnd,
    int,
    letters: (n) => {
      let s = '';
      for (let i = 0; i < n; i++) s += LETTERS[int(LETTERS.length)];
      return s;
    },
  };
}

function person(g: Gen, id: string, kind: 'friend' | 'stranger'): ContactSpec {
  const sex = (1 + g.int(2)) as 1 | 2;
  if (g.int(3) === 0) {
    const emoji = g.int(40) === 0 ? ' 🌟' : '';
    return { id, kind, sex, nickName: `${FIRST[g.int(FIRST.length)]} ${LAST[g.int(LAST.length)]}${emoji}` };
  }
  const [s, sp] = SURNAMES[g.int(SURNAMES.length)]!;
  const given = Array.from({ length: 1 + g.int(2) }, () => GIVEN[g.int(GIVEN.length)]!);
  const c: ContactSpec = {
    id,
    kind,
    sex,
    nickName: s + given.map((x) => x[0]).join(''),
    pinyin: [sp, ...given.map((x) => x[1])].join(' '),
    province: PROVINCES[g.int(PROVINCES.length)]!,
  };
  if (kind === 'friend' && g.int(5) === 0) c.remarkName = `${c.nickName}${g.int(2) ? '同事' : '同学'}`;
  return c;
}

/** k distinct integers from [0, n), in random order (Floyd's algorithm). */
function sample(g: Gen, n: number, k: number): number[] {
  const chosen = new Set<number>();
  for (let j = n - k; j < n; j++) {
    const t = g.int(j + 1);
    chosen.add(chosen.has(t) ? j : t);
  }
  return [...chosen];
}

/**
 * A generated world spec, the same for the same options: listed contacts (2 % official accounts) and
 * rooms whose members are about half strangers from a shared pool.
 */
export function generateWorld(options: GenerateWorldOptions = {}): WorldSpec {
  const nContacts = options.contacts ?? 100;
  const nRooms = options.rooms ?? 10;
  const perRoom = options.membersPerRoom ?? 20;
  for (const [k, v] of [
    ['contacts', nContacts],
    ['rooms', nRooms],
    ['membersPerRoom', perRoom],
  ] as const) {
    if (!Number.isInteger(v) || v < 0)
      throw new InvalidArgumentError('generateWorld', `generateWorld: ${k} must be a non-negative integer`);
  }
  if (nRooms > 0 && perRoom < 1)
    throw new InvalidArgumentError(
      'generateWorld',
      'generateWorld: membersPerRoom must be at least 1 (the self)',
    );
  const g = gen(options.seed ?? 1);
  const selfId = `wxid_self_${g.letters(6)}`;
  const contacts: ContactSpec[] = [];
  const nOfficial = Math.floor(nContacts / 50);
  const friendIds: string[] = [];
  for (let i = 0; i < nContacts - nOfficial; i++) {
    const id = g.int(10) === 0 ? `u${g.letters(5)}_${i}` : `wxid_${g.letters(8)}_${i}`;
    contacts.push(person(g, id, 'friend'));
    friendIds.push(id);
  }
  for (let i = 0; i < nOfficial; i++) {
    contacts.push({
      id: `gh_${g.letters(10)}${i}`,
      kind: 'official',
      verifyFlag: g.int(4) === 0 ? 8 : 24,
      nickName: `Daily News ${i}`,
      signature: 'Subscribe for more',
    });
  }
  const others = Math.max(0, perRoom - 1);
  const strangersPerRoom = Math.max(Math.floor(others / 2), others - friendIds.length);
  const friendsPerRoom = others - strangersPerRoom;
  const poolSize = nRooms === 0 ? 0 : Math.max(strangersPerRoom, Math.ceil((nRooms * strangersPerRoom) / 10));
  const strangerIds: string[] = [];
  for (let i = 0; i < poolSize; i++) {
    const id = `wxid_s${g.letters(7)}_${i}`;
    contacts.push(person(g, id, 'stranger'));
    strangerIds.push(id);
  }
  const rooms: RoomSpec[] = [];
  for (let r = 0; r < nRooms; r++) {
    const members: RoomMemberSpec[] = [selfId];
    const picked = [
      ...sample(g, friendIds.length, friendsPerRoom).map((i) => friendIds[i]!),
      ...sample(g, strangerIds.length, strangersPerRoom).map((i) => strangerIds[i]!),
    ];
    for (const id of picked) members.push(g.int(20) === 0 ? { id, displayName: `群友${g.letters(3)}` } : id);
    const [topic, py] = TOPICS[r % TOPICS.length]!;
    const owner = r % 10 === 0 || picked.length === 0 ? selfId : picked[0]!;
    rooms.push({
      id: `${7_000_000_000 + r}@chatroom`,
      topic: `${topic}${r}`,
      pinyin: `${py} ${r}`,
      owner,
      members,
    });
  }
  return {
    self: { id: selfId, nickName: 'Generated Self', sex: 1 },
    contacts,
    rooms,
  };
}
