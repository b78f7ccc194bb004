// A store populated with every kind of record the dump format knows, each made the way a client
// makes it, through the real server: shared by the dump round trips (tests/cli/dump-round-trip.test.ts,
// tests/store/mongo-dump.test.ts).
import { expect } from 'vitest';
import { toBase64Url } from '@kolokol/shared';
import { generateDeviceKey } from '@kolokol/shared/crypto';
import { revoking, staff } from './audit.js';
import { call, connectWithToken } from './client.js';
import { publishPrekeys } from './keys.js';
import { talkingPair } from './match-conversations.js';
import { approvedPair, type Board } from './matching.js';
import { reportInput } from './reports.js';

/** Every kind of record, each made the way a client makes it, through the real server. */
export async function populateEveryKind(board: Board) {
  const { server, org, anna, boris } = board;
  // accounts, sessions, devices, device lists, conversations with messages and envelopes waiting
  // on both sides, offers, requests, an accepted match, vetting, audit entries, envelope prekeys.
  const talking = await talkingPair(board);
  await publishPrekeys(talking.contactDevice, 3, 2);
  // A report from the conversation, its note sealed to the moderators.
  expect(
    await call(
      talking.contactDevice.socket,
      'reports.create',
      reportInput(talking.contact.accountId, talking.volunteer.accountId, {
        conversation: talking.conversation,
        recipients: [anna.recipient, boris.recipient],
      }),
    ),
  ).toMatchObject({ ok: true });
  // A declined match leaves a pair bar.
  const declined = await approvedPair(board);
  expect(
    await call(declined.volunteer.socket, 'matches.decline', { id: declined.matchId }),
  ).toMatchObject({ ok: true });
  // A high-tier vetting with one endorsement so far.
  expect(
    await call(anna.socket, 'volunteers.vet', {
      statement: anna.statement({
        kind: 'vet',
        subject: declined.volunteer.accountId,
        tier: 'high',
      }),
    }),
  ).toMatchObject({ ok: true });
  // A revocation list (an admin publishes it), revoking a third moderator.
  const carl = await staff(server, org);
  const admin = await staff(server, org, 'admin');
  expect(
    await call(admin.socket, 'revocations.publish', { revocationList: revoking(org, [carl]) }),
  ).toMatchObject({ ok: true });
  // A device reserved but never added (by an account whose session names no device yet).
  const bare = await connectWithToken(server.url, declined.volunteer.token);
  expect(
    await call(bare, 'devices.reserve', {
      deviceKey: toBase64Url(generateDeviceKey().publicKey),
    }),
  ).toMatchObject({
    ok: true,
  });
  bare.close();
  return talking;
}
