// Contract for CertificateStore: latest moderator certificate per account, newest revocation list only.
import { describe, expect, it } from 'vitest';
import type { ModeratorCertificateRecord } from '../../../server/src/store/ports.js';
import type { CurrentStore } from './fixtures.js';
import { bytes, createAccount, expectPlainBytes, unique } from './fixtures.js';

function certificate(
  accountId: string,
  overrides: Partial<ModeratorCertificateRecord> = {},
): ModeratorCertificateRecord {
  return {
    accountId,
    serial: unique('serial'),
    bytes: bytes(120, 9),
    expiresAt: 100_000,
    createdAt: 1_000,
    ...overrides,
  };
}

function byAccount(a: ModeratorCertificateRecord, b: ModeratorCertificateRecord): number {
  return a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0;
}

export function certificatesContract(store: CurrentStore): void {
  describe('certificates', () => {
    it('has no certificates or revocation list at first', async () => {
      expect(
        await store().certificates.findModeratorCertificate('no-such-account'),
      ).toBeUndefined();
      expect(await store().certificates.listModeratorCertificates()).toStrictEqual([]);
      expect(await store().certificates.latestRevocationList()).toBeUndefined();
    });

    it('stores a certificate and finds it for its account', async () => {
      const moderator = await createAccount(store());
      const record = certificate(moderator.id);
      expect(await store().certificates.putModeratorCertificate(record)).toBe('stored');

      const found = await store().certificates.findModeratorCertificate(moderator.id);
      expect(found).toStrictEqual(record);
      if (found !== undefined) {
        expectPlainBytes(found.bytes);
      }
    });

    it('serves the most recently stored certificate of an account', async () => {
      const moderator = await createAccount(store());
      const older = certificate(moderator.id, { bytes: bytes(120, 1), createdAt: 5_000 });
      // Stored later though dated earlier: storage order decides which one is served.
      const newer = certificate(moderator.id, { bytes: bytes(120, 2), createdAt: 4_000 });
      await store().certificates.putModeratorCertificate(older);
      await store().certificates.putModeratorCertificate(newer);

      expect(await store().certificates.findModeratorCertificate(moderator.id)).toStrictEqual(
        newer,
      );
    });

    it('stores a certificate once: the same one again changes nothing, another with its serial is refused', async () => {
      const moderator = await createAccount(store());
      const other = await createAccount(store());
      const first = certificate(moderator.id, { bytes: bytes(120, 1) });
      const second = certificate(moderator.id, { bytes: bytes(120, 2) });
      expect(await store().certificates.putModeratorCertificate(first)).toBe('stored');
      expect(await store().certificates.putModeratorCertificate(second)).toBe('stored');

      // The first again, even stored later and dated later: no row, and it is not served again.
      expect(
        await store().certificates.putModeratorCertificate({ ...first, createdAt: 9_000 }),
      ).toBe('already-stored');
      expect(await store().certificates.findModeratorCertificate(moderator.id)).toStrictEqual(
        second,
      );
      expect(await store().certificates.listModeratorCertificates()).toStrictEqual([second]);
      // Other bytes, or another account, under a stored serial.
      expect(
        await store().certificates.putModeratorCertificate({ ...first, bytes: bytes(120, 3) }),
      ).toBe('serial-taken');
      expect(
        await store().certificates.putModeratorCertificate({ ...first, accountId: other.id }),
      ).toBe('serial-taken');
      expect(await store().certificates.findModeratorCertificate(other.id)).toBeUndefined();
    });

    it('lists the served certificate of every account', async () => {
      const first = await createAccount(store());
      const second = await createAccount(store());
      const superseded = certificate(first.id, { bytes: bytes(120, 1) });
      const firstCurrent = certificate(first.id, { bytes: bytes(120, 2) });
      const secondCurrent = certificate(second.id, { bytes: bytes(120, 3) });
      for (const record of [superseded, secondCurrent, firstCurrent]) {
        await store().certificates.putModeratorCertificate(record);
      }

      const listed = await store().certificates.listModeratorCertificates();
      expect([...listed].sort(byAccount)).toStrictEqual(
        [firstCurrent, secondCurrent].sort(byAccount),
      );
    });

    it('stores a revocation list only when it is newer than the current one', async () => {
      const first = { issuedAt: 10_000, bytes: bytes(64, 1) };
      expect(await store().certificates.putRevocationList(first)).toBe('stored');
      const latest = await store().certificates.latestRevocationList();
      expect(latest).toStrictEqual(first);
      if (latest !== undefined) {
        expectPlainBytes(latest.bytes);
      }

      expect(
        await store().certificates.putRevocationList({ issuedAt: 9_999, bytes: bytes(64, 2) }),
      ).toBe('stale');
      expect(
        await store().certificates.putRevocationList({ issuedAt: 10_000, bytes: bytes(64, 3) }),
      ).toBe('stale');
      expect(await store().certificates.latestRevocationList()).toStrictEqual(first);

      const newer = { issuedAt: 10_001, bytes: bytes(64, 4) };
      expect(await store().certificates.putRevocationList(newer)).toBe('stored');
      expect(await store().certificates.latestRevocationList()).toStrictEqual(newer);
    });
  });
}
