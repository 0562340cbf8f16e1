/**
 * The bench's three subjects log in against the emulator and end with every contact and member, in
 * this process (the bench runs them in child processes): a change to the emulator or to a client that
 * breaks a subject shows here, without a bench run. 60 rooms: more than one batchgetcontact of 50,
 * and more than wechat4u's own one-call room lookup is allowed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { autoConfirm, expectedContacts } from '../../bench/scenario-echo.js';
import { IMPLS, type OpenSession, openSession } from '../../bench/subjects.js';
import { type Emulator, startEmulator } from '../../src/emulator/index.js';

const ROOMS = 60;
const MEMBERS = 5;

let emu: Emulator | undefined;
let session: OpenSession | undefined;
let off: (() => void) | undefined;

afterEach(async () => {
  await session?.close();
  off?.();
  await emu?.close();
  session = undefined;
  emu = undefined;
});

describe('bench subjects', () => {
  for (const impl of IMPLS) {
    it(`${impl} logs in through the QR and ends with every room's members`, async () => {
      emu = await startEmulator({
        world: { generate: { contacts: 40, rooms: ROOMS, membersPerRoom: MEMBERS } },
      });
      let confirmedAt = 0;
      off = autoConfirm(emu, (at) => {
        confirmedAt = at;
      });
      let loggedInAt = 0;
      session = await openSession(impl, {
        baseUrl: emu.baseUrl,
        echo: false,
        expectContacts: expectedContacts(emu),
        onLoggedIn: () => {
          loggedInAt = Date.now();
        },
      });
      expect(confirmedAt).toBeGreaterThan(0);
      expect(loggedInAt).toBeGreaterThanOrEqual(confirmedAt);
      expect(session.counts.rooms).toBe(ROOMS);
      expect(session.counts.members).toBe(ROOMS * MEMBERS);
      expect(session.counts.contacts).toBeGreaterThanOrEqual(40);
      if (impl !== 'webwx') expect(session.listedAt).toBeGreaterThanOrEqual(loggedInAt);
    }, 30_000);
  }
});
