// What a device signs to bind a login session to itself. A session token alone does not name a
// device: the socket handshake carries the device's id and this signature, by the device key,
// over the token's SHA-256, so a stolen token cannot act as any device, and a removed device
// (whose key the server no longer lists) cannot act at all.
import { transcript, utf8 } from '../primitives/bytes.js';
import { label } from '../primitives/format.js';
import { sign, verify } from '../primitives/primitives.js';
import { sodium } from '../primitives/sodium.js';

/** SHA-256 of the token's UTF-8 text: what the server stores instead of the token. */
export function sessionTokenHash(token: string): Uint8Array {
  return sodium.crypto_hash_sha256(utf8(token));
}

function deviceSessionTranscript(deviceId: string, tokenHash: Uint8Array): Uint8Array {
  return transcript(label('devices/session'), utf8(deviceId), tokenHash);
}

/** The device's proof for the socket handshake's `auth.device.signature`. */
export function signDeviceSession(
  deviceSecretKey: Uint8Array,
  session: { readonly deviceId: string; readonly token: string },
): Uint8Array {
  return sign(
    deviceSecretKey,
    deviceSessionTranscript(session.deviceId, sessionTokenHash(session.token)),
  );
}

/** The server's check, from the stored token hash. */
export function verifyDeviceSession(
  deviceKey: Uint8Array,
  session: { readonly deviceId: string; readonly tokenHash: Uint8Array },
  signature: Uint8Array,
): boolean {
  return verify(deviceKey, deviceSessionTranscript(session.deviceId, session.tokenHash), signature);
}
