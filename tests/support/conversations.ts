// Conversations for tests: a staff member and another account with a device each (a channel the
// policy allows today), an open conversation between them, and envelopes of the padded sizes the
// server accepts.
import { RATCHET_ENVELOPE_OVERHEAD, toBase64Url, type Role } from '@kolokol/shared';
import { randomBytes } from '@kolokol/shared/crypto';
import { newId } from '../../server/src/domain/secrets.js';
import { call, registerAndLogin, type ClientSocket } from './client.js';
import { addDevice, type TestDevice } from './keys.js';
import type { TestServer } from './server.js';
import { enrolStaff } from './staff.js';

export interface TestConversation {
  readonly id: string;
  /** A moderator: staff may talk with anyone. */
  readonly staff: TestDevice;
  /** The other participant. */
  readonly peer: TestDevice;
}

/** A random envelope of a ratchet message's size for `bucket` (256 by default). */
export function envelopeBody(bucket = 256): string {
  return toBase64Url(randomBytes(bucket + RATCHET_ENVELOPE_OVERHEAD));
}

/** A moderator and a new account of `role`, each with one device, and their open conversation. */
export async function openTestConversation(
  server: TestServer,
  role: Exclude<Role, 'moderator'> = 'contact',
): Promise<TestConversation> {
  const staff = await addDevice(server.url, await enrolStaff(server, 'moderator'));
  const peerLogin =
    role === 'admin'
      ? await enrolStaff(server, 'admin')
      : await registerAndLogin(server.url, role, { role });
  const peer = await addDevice(server.url, peerLogin);
  const opened = await call(staff.socket, 'conversations.open', { peer: peer.accountId });
  if (!opened.ok) throw new Error(`conversations.open failed: ${opened.error.code}`);
  return { id: opened.data.conversation.id, staff, peer };
}

/** A `conversations.send` payload from one side to the other's single device. */
export function sendPayload(
  conversation: string,
  to: TestDevice,
  options: { clientId?: string; body?: string } = {},
) {
  return {
    conversation,
    clientId: options.clientId ?? newId(),
    envelopes: [{ device: to.deviceId, body: options.body ?? envelopeBody() }],
  };
}

/** Sends and returns the ack's data; throws on a refusal. */
export async function sendMessage(
  socket: ClientSocket,
  conversation: string,
  to: TestDevice,
  options: { clientId?: string; body?: string } = {},
): Promise<{ seq: number; sentAt: number }> {
  const ack = await call(socket, 'conversations.send', sendPayload(conversation, to, options));
  if (!ack.ok) throw new Error(`conversations.send failed: ${ack.error.code}`);
  return ack.data;
}

/**
 * `from` opens (or finds) its conversation with `to` and sends one envelope to `to`'s one device:
 * the send's ack, or the open's refusal (NOT_FOUND where the channel policy allows no channel).
 */
export async function openAndSend(from: TestDevice, to: TestDevice) {
  const opened = await call(from.socket, 'conversations.open', { peer: to.accountId });
  if (!opened.ok) return opened;
  return call(from.socket, 'conversations.send', sendPayload(opened.data.conversation.id, to));
}
