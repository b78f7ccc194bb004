// Contract for AuditStore and VettingStore: entries appended in order, chained to the head they
// name, each payload once; an entry and the effect it authorises written together or not at all.
import { describe, expect, it } from 'vitest';
import { auditEntryHash, auditGenesisHash } from '@kolokol/shared/crypto';
import type {
  AuditEffect,
  AuditEntryRecord,
  AuditHead,
  ModeratorCertificateRecord,
} from '../../../server/src/store/ports.js';
import type { CurrentStore } from './fixtures.js';
import {
  bytes,
  createAccount,
  expectPlainBytes,
  newSession,
  unique,
  uniqueBytes,
} from './fixtures.js';

/** The next entry after `head`, chained to it, with a unique payload unless one is given. */
function entryAfter(
  head: AuditHead,
  overrides: Partial<Omit<AuditEntryRecord, 'hash'>> = {},
): AuditEntryRecord {
  const unhashed = {
    seq: head.length + 1,
    type: 'statement' as const,
    recordedAt: 5_000,
    payload: uniqueBytes(150),
    certificate: bytes(230, 4),
    prevHash: head.hash,
    ...overrides,
  };
  return { ...unhashed, hash: auditEntryHash(unhashed) };
}

const noEffect = (volunteerId: string): AuditEffect => ({
  kind: 'vetting',
  change: { volunteerId, clearEndorsements: true },
});

export function auditContract(store: CurrentStore): void {
  /** Appends an entry after the current head with `effect`; returns the outcome and the entry. */
  async function append(effect: AuditEffect, overrides: Partial<AuditEntryRecord> = {}) {
    const entry = entryAfter(await store().audit.head(), overrides);
    return { outcome: await store().audit.append(entry, effect), entry };
  }

  describe('audit log', () => {
    it('is empty at first: length 0 and the genesis hash', async () => {
      expect(await store().audit.head()).toStrictEqual({ length: 0, hash: auditGenesisHash() });
      expect(await store().audit.entries(0, 10)).toStrictEqual([]);
      expect(await store().audit.seqOfHash(auditGenesisHash())).toBeUndefined();
    });

    it('appends entries in order and hands them back as stored', async () => {
      const volunteer = await createAccount(store(), { role: 'volunteer' });
      const first = await append(noEffect(volunteer.id));
      expect(first.outcome).toStrictEqual({ kind: 'appended', revokedSessionIds: [] });
      const second = await append(noEffect(volunteer.id), {
        type: 'operator',
        certificate: null,
      });
      expect(second.outcome.kind).toBe('appended');
      expect(await store().audit.head()).toStrictEqual({ length: 2, hash: second.entry.hash });
      const listed = await store().audit.entries(0, 10);
      expect(listed).toStrictEqual([first.entry, second.entry]);
      for (const entry of listed) {
        expectPlainBytes(entry.payload);
        expectPlainBytes(entry.hash);
      }
      expect(await store().audit.entries(1, 10)).toStrictEqual([second.entry]);
      expect(await store().audit.entries(0, 1)).toStrictEqual([first.entry]);
      expect(await store().audit.seqOfHash(second.entry.hash)).toBe(2);
      expect(
        await store().audit.hasPayloadDigest(
          new Uint8Array(await crypto.subtle.digest('SHA-256', first.entry.payload)),
        ),
      ).toBe(true);
      expect(await store().audit.hasPayloadDigest(uniqueBytes(32))).toBe(false);
    });

    it('refuses an entry chained to a head that moved on, and writes nothing', async () => {
      const volunteer = await createAccount(store(), { role: 'volunteer' });
      const stale = await store().audit.head();
      await append(noEffect(volunteer.id));
      const head = await store().audit.head();
      const behind = entryAfter(stale);
      const suspend: AuditEffect = { kind: 'suspend', accountId: volunteer.id, at: 6_000 };
      expect(await store().audit.append(behind, suspend)).toStrictEqual({ kind: 'head-moved' });
      // The right number with the wrong previous hash, and the right hash with a wrong number.
      const forged = entryAfter({ length: head.length, hash: uniqueBytes(32) });
      expect(await store().audit.append(forged, suspend)).toStrictEqual({ kind: 'head-moved' });
      const skipped = entryAfter({ length: head.length + 1, hash: head.hash });
      expect(await store().audit.append(skipped, suspend)).toStrictEqual({ kind: 'head-moved' });
      expect(await store().audit.head()).toStrictEqual(head);
      expect((await store().accounts.findById(volunteer.id))?.suspendedAt).toBeNull();
    });

    it('logs a payload once: the same payload again is a duplicate and its effect is not applied', async () => {
      const volunteer = await createAccount(store(), { role: 'volunteer' });
      const payload = uniqueBytes(150);
      expect((await append(noEffect(volunteer.id), { payload })).outcome.kind).toBe('appended');
      const head = await store().audit.head();
      const again = await append(
        { kind: 'suspend', accountId: volunteer.id, at: 6_000 },
        { payload, recordedAt: 7_000 },
      );
      expect(again.outcome).toStrictEqual({ kind: 'duplicate' });
      expect(await store().audit.head()).toStrictEqual(head);
      expect((await store().accounts.findById(volunteer.id))?.suspendedAt).toBeNull();
    });

    it('suspends with the entry, revoking live sessions, and reinstates', async () => {
      const account = await createAccount(store());
      const live = newSession(account.id, { expiresAt: 100_000 });
      await store().sessions.create(live);
      const suspended = await append({ kind: 'suspend', accountId: account.id, at: 6_000 });
      expect(suspended.outcome).toStrictEqual({ kind: 'appended', revokedSessionIds: [live.id] });
      expect((await store().accounts.findById(account.id))?.suspendedAt).toBe(6_000);
      expect((await store().sessions.findByTokenHash(live.tokenHash))?.revokedAt).toBe(6_000);

      const reinstated = await append({ kind: 'reinstate', accountId: account.id });
      expect(reinstated.outcome).toStrictEqual({ kind: 'appended', revokedSessionIds: [] });
      expect((await store().accounts.findById(account.id))?.suspendedAt).toBeNull();
      expect((await store().audit.head()).length).toBe(2);
    });

    it('writes no entry when the effect does not apply', async () => {
      const head = await store().audit.head();
      for (const effect of [
        { kind: 'suspend', accountId: 'no-such-account', at: 6_000 },
        { kind: 'reinstate', accountId: 'no-such-account' },
      ] satisfies AuditEffect[]) {
        expect((await append(effect)).outcome).toStrictEqual({
          kind: 'not-applied',
          reason: 'no-such-account',
        });
      }
      const moderator = await createAccount(store(), { role: 'moderator' });
      const other = await createAccount(store(), { role: 'moderator' });
      const certificate: ModeratorCertificateRecord = {
        accountId: moderator.id,
        serial: unique('serial'),
        bytes: bytes(230, 1),
        expiresAt: 100_000,
        createdAt: 1_000,
      };
      expect((await append({ kind: 'certificate', certificate })).outcome.kind).toBe('appended');
      const afterCertificate = await store().audit.head();
      expect((await append({ kind: 'certificate', certificate })).outcome).toStrictEqual({
        kind: 'not-applied',
        reason: 'already-stored',
      });
      expect(
        (
          await append({
            kind: 'certificate',
            certificate: { ...certificate, accountId: other.id },
          })
        ).outcome,
      ).toStrictEqual({ kind: 'not-applied', reason: 'serial-taken' });
      expect(await store().certificates.findModeratorCertificate(other.id)).toBeUndefined();

      const list = { issuedAt: 10_000, bytes: bytes(204, 2) };
      expect((await append({ kind: 'revocation-list', list })).outcome.kind).toBe('appended');
      const afterList = await store().audit.head();
      expect(
        (await append({ kind: 'revocation-list', list: { issuedAt: 9_000, bytes: bytes(204, 3) } }))
          .outcome,
      ).toStrictEqual({ kind: 'not-applied', reason: 'stale' });
      expect(await store().certificates.latestRevocationList()).toStrictEqual(list);
      expect(await store().audit.head()).toStrictEqual(afterList);
      expect(afterList.length).toBe(afterCertificate.length + 1);
      expect(afterCertificate.length).toBe(head.length + 1);
    });

    it('writes neither the entry nor any part of the effect when the effect fails', async () => {
      const head = await store().audit.head();
      // A vetting of an account that does not exist breaks a foreign key.
      const broken: AuditEffect = {
        kind: 'vetting',
        change: {
          volunteerId: 'no-such-account',
          vetting: { volunteerId: 'no-such-account', tier: 'standard', since: 1, decidedBy: ['m'] },
        },
      };
      await expect(store().audit.append(entryAfter(head), broken)).rejects.toThrow();
      expect(await store().audit.head()).toStrictEqual(head);
      expect(await store().vetting.find('no-such-account')).toBeUndefined();
    });
  });

  describe('vetting', () => {
    it('knows no vetting at first', async () => {
      const volunteer = await createAccount(store(), { role: 'volunteer' });
      expect(await store().vetting.find(volunteer.id)).toBeUndefined();
      expect(await store().vetting.endorsements(volunteer.id)).toStrictEqual([]);
      expect(await store().vetting.tierOf(volunteer.id)).toBe('none');
      expect(await store().vetting.tierOf('no-such-account')).toBe('none');
      expect(await store().vetting.listVetted()).toStrictEqual([]);
    });

    it('records a tier, endorsements, their clearing and a withdrawal, each with its entry', async () => {
      const volunteer = await createAccount(store(), { role: 'volunteer' });
      const standard = {
        volunteerId: volunteer.id,
        tier: 'standard' as const,
        since: 5_000,
        decidedBy: ['mod-a'],
      };
      await append({ kind: 'vetting', change: { volunteerId: volunteer.id, vetting: standard } });
      expect(await store().vetting.find(volunteer.id)).toStrictEqual(standard);
      expect(await store().vetting.tierOf(volunteer.id)).toBe('standard');

      const endorsement = {
        volunteerId: volunteer.id,
        moderatorId: 'mod-b',
        seq: 2,
        certificateSerial: 'serial-b',
        certificateExpiresAt: 90_000,
        endorsedAt: 6_000,
      };
      await append({
        kind: 'vetting',
        change: { volunteerId: volunteer.id, endorse: endorsement },
      });
      expect(await store().vetting.endorsements(volunteer.id)).toStrictEqual([endorsement]);
      // The same moderator again replaces its own endorsement; another adds one.
      const again = { ...endorsement, seq: 3, endorsedAt: 7_000 };
      await append({ kind: 'vetting', change: { volunteerId: volunteer.id, endorse: again } });
      const second = { ...endorsement, moderatorId: 'mod-c', seq: 4 };
      await append({ kind: 'vetting', change: { volunteerId: volunteer.id, endorse: second } });
      expect(await store().vetting.endorsements(volunteer.id)).toStrictEqual([again, second]);
      expect((await store().vetting.everything()).endorsements).toStrictEqual([again, second]);

      const high = {
        ...standard,
        tier: 'high' as const,
        since: 8_000,
        decidedBy: ['mod-b', 'mod-c'],
      };
      await append({
        kind: 'vetting',
        change: { volunteerId: volunteer.id, vetting: high, clearEndorsements: true },
      });
      expect(await store().vetting.find(volunteer.id)).toStrictEqual(high);
      expect(await store().vetting.endorsements(volunteer.id)).toStrictEqual([]);
      expect(await store().vetting.listVetted()).toStrictEqual([
        { accountId: volunteer.id, tier: 'high' },
      ]);

      await append({ kind: 'vetting', change: { volunteerId: volunteer.id, vetting: null } });
      expect(await store().vetting.find(volunteer.id)).toBeUndefined();
      expect(await store().vetting.tierOf(volunteer.id)).toBe('none');
    });

    it('counts a suspended volunteer as not vetted for matching, keeping its record', async () => {
      const kept = await createAccount(store(), { role: 'volunteer' });
      const suspended = await createAccount(store(), { role: 'volunteer' });
      for (const volunteer of [kept, suspended]) {
        await append({
          kind: 'vetting',
          change: {
            volunteerId: volunteer.id,
            vetting: {
              volunteerId: volunteer.id,
              tier: 'high',
              since: 5_000,
              decidedBy: ['a', 'b'],
            },
          },
        });
      }
      await append({ kind: 'suspend', accountId: suspended.id, at: 6_000 });
      expect(await store().vetting.tierOf(suspended.id)).toBe('none');
      expect((await store().vetting.find(suspended.id))?.tier).toBe('high');
      expect(
        await store().vetting.tiersOf([kept.id, suspended.id, 'no-such-account']),
      ).toStrictEqual(
        new Map([
          [kept.id, 'high'],
          [suspended.id, 'none'],
          ['no-such-account', 'none'],
        ]),
      );
      expect(await store().vetting.listVetted()).toStrictEqual([
        { accountId: kept.id, tier: 'high' },
      ]);
      // Everything, suspended accounts included, for audit-verify.
      const everything = await store().vetting.everything();
      expect(everything.endorsements).toStrictEqual([]);
      expect(everything.vetting.map((record) => record.volunteerId).sort()).toStrictEqual(
        [kept.id, suspended.id].sort(),
      );
    });
  });
}
