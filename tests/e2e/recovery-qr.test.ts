// The recovery payload fits a QR code as the web client will render it: `qrcode` (npm) encodes it
// in alphanumeric mode, small enough to scan from a screen, at error-correction level M. Rendering
// is the client's job; this checks the payload's shape is right for it.
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { encodeRecoveryPayload, newAccountKey, parseRecoveryPayload } from '@kolokol/shared/crypto';

describe('recovery payload as a QR code', () => {
  it('a typical payload is one alphanumeric segment in a version ≤ 4 code (33 × 33 modules)', () => {
    const payload = encodeRecoveryPayload({
      deployment: 'kolokol-test',
      handle: 'olga.k',
      accountKey: newAccountKey(),
    });
    const code = QRCode.create(payload, { errorCorrectionLevel: 'M' });
    expect(code.segments.map((segment) => segment.mode.id)).toEqual(['Alphanumeric']);
    expect(code.version).toBeLessThanOrEqual(4);
    expect(parseRecoveryPayload(payload).handle).toBe('olga.k');
  });

  it('the largest payload (64-character deployment, 32-character handle) still fits version ≤ 9', () => {
    const payload = encodeRecoveryPayload({
      deployment: 'd'.repeat(64),
      handle: `h${'x'.repeat(30)}h`,
      accountKey: newAccountKey(),
    });
    const code = QRCode.create(payload, { errorCorrectionLevel: 'M' });
    expect(code.segments.map((segment) => segment.mode.id)).toEqual(['Alphanumeric']);
    expect(code.version).toBeLessThanOrEqual(9);
  });
});
