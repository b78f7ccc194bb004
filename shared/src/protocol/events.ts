// Every client→server socket event with its payload and result schemas, and the
// server→client pushes. socket.io's typed-event maps are derived from these.
import { z } from 'zod';
import { ackSchema, type Ack, type AckCallback } from './ack.js';
import {
  auditEntriesInputSchema,
  auditEntriesResultSchema,
  auditHeadSchema,
  MAX_AUDIT_STATEMENT_WIRE_BYTES,
  reinstateResultSchema,
  signedDecisionSchema,
  suspendResultSchema,
  vettingDecisionResultSchema,
  vettingStatusInputSchema,
  vettingStatusSchema,
} from './audit.js';
import {
  CONVERSATION_LIMITS,
  conversationListEntrySchema,
  conversationSchema,
  conversationsAckSchema,
  conversationsBlockSchema,
  conversationsCloseSchema,
  conversationsFetchSchema,
  conversationsListSchema,
  conversationsOpenSchema,
  conversationsSendResultSchema,
  conversationsSendSchema,
  conversationsSetTimerSchema,
  conversationMessageSchema,
  type ConversationMessageWire,
  type ConversationsChanged,
  type ConversationsDelivered,
} from './conversations.js';
import { MAX_KEY_BACKUP_BYTES, SIGNATURE_BYTES, rekeyResultSchema, rekeySchema } from './auth.js';
import { bytesSchema, emptySchema, handleSchema, idSchema, roleSchema } from './common.js';
import { ERROR_CODES } from './errors.js';
import {
  envelopePrekeyResultSchema,
  fetchEnvelopePrekeySchema,
  publishEnvelopePrekeySchema,
} from './envelope-prekeys.js';
import {
  MAX_OFFER_NOTE_BYTES,
  offerSchema,
  offersGetResultSchema,
  offersGetSchema,
  offersPutResultSchema,
  offersSetPausedResultSchema,
  offersSetPausedSchema,
} from './offers.js';
import {
  matchIdSchema,
  matchResultSchema,
  matchesEndSchema,
  matchesListResultSchema,
  moderationApproveSchema,
  MAX_PROPOSAL_NOTE_BYTES,
  moderationQueueResultSchema,
  proposalDecisionResultSchema,
  proposalDecisionSchema,
  reproposeResultSchema,
  type MatchesChanged,
  type QueueChanged,
} from './moderation.js';
import {
  MAX_REQUEST_DETAILS_BYTES,
  requestsCancelResultSchema,
  requestsCancelSchema,
  requestsCreateResultSchema,
  requestsCreateSchema,
  requestsListResultSchema,
  type RequestsChanged,
} from './requests.js';
import {
  MAX_REPORT_NOTE_BYTES,
  reportsCreateResultSchema,
  reportsCreateSchema,
  reportsDismissResultSchema,
  reportsDismissSchema,
  reportsListResultSchema,
  reportsListSchema,
  type ReportsChanged,
} from './reports.js';
import {
  devicesAddSchema,
  devicesChangeResultSchema,
  devicesListResultSchema,
  devicesListSchema,
  devicesRemoveSchema,
  devicesReserveResultSchema,
  devicesReserveSchema,
  MAX_DEVICE_LIST_WIRE_BYTES,
  type DevicesChanged,
} from './devices.js';
import {
  addOneTimeKemPrekeysSchema,
  addOneTimePrekeysSchema,
  certificateListSchema,
  fetchBundleSchema,
  MAX_CERTIFICATE_BYTES,
  MAX_REVOCATION_LIST_BYTES,
  prekeyBundlesWireSchema,
  prekeyStatusSchema,
  publishCertificateSchema,
  publishRevocationListSchema,
  setSignedPrekeysSchema,
} from './keys.js';

interface EventDefinition<I extends z.ZodType, O extends z.ZodType> {
  readonly input: I;
  readonly output: O;
  /** Largest accepted payload, in bytes of its JSON form; larger gets PAYLOAD_TOO_LARGE. */
  readonly maxBytes: number;
  readonly summary: string;
}

function defineEvent<I extends z.ZodType, O extends z.ZodType>(
  definition: EventDefinition<I, O>,
): EventDefinition<I, O> {
  return definition;
}

export const whoAmISchema = z.object({
  accountId: idSchema,
  handle: handleSchema,
  role: roleSchema,
  /** The device this socket acts as; null on a socket that named none. */
  deviceId: idSchema.nullable(),
  sessionExpiresAt: z.number().int(),
});

/** A signed decision's payload: the statement as base64url, with room for the JSON around it. */
const SIGNED_DECISION_MAX_BYTES = Math.ceil((MAX_AUDIT_STATEMENT_WIRE_BYTES * 4) / 3) + 256;

export const clientEvents = {
  'session.whoami': defineEvent({
    input: emptySchema,
    output: whoAmISchema,
    maxBytes: 256,
    summary: 'The caller’s own account and session.',
  }),
  'keys.backup_put': defineEvent({
    input: z
      .object({
        keyBackup: bytesSchema({ min: 1, max: MAX_KEY_BACKUP_BYTES }),
        /** A challenge from POST /auth/challenge for the caller's handle; spent here. */
        challengeId: idSchema,
        /** signBackupReplacement() by the login key: a session token alone cannot replace it. */
        signature: bytesSchema(SIGNATURE_BYTES),
      })
      .strict(),
    output: emptySchema,
    maxBytes: Math.ceil((MAX_KEY_BACKUP_BYTES * 4) / 3) + 256,
    summary:
      'Replace the caller’s sealed identity backup, returned at login; signed afresh by the login key.',
  }),
  'account.rekey': defineEvent({
    input: rekeySchema,
    output: rekeyResultSchema,
    maxBytes: Math.ceil((MAX_KEY_BACKUP_BYTES * 4) / 3) + 512,
    summary:
      'Change the passphrase and/or rotate the account key: new salt, login key and backup at once, signed by the current and the new login key; every other session of the account ends.',
  }),
  'devices.reserve': defineEvent({
    input: devicesReserveSchema,
    output: devicesReserveResultSchema,
    maxBytes: 256,
    summary: 'A new device (a socket that named none) gets its id for the device key it made.',
  }),
  'devices.add': defineEvent({
    input: devicesAddSchema,
    output: devicesChangeResultSchema,
    maxBytes: Math.ceil((MAX_DEVICE_LIST_WIRE_BYTES * 4) / 3) + 256,
    summary: 'Publish the next device list: the current one plus one reserved device.',
  }),
  'devices.remove': defineEvent({
    input: devicesRemoveSchema,
    output: devicesChangeResultSchema,
    maxBytes: Math.ceil((MAX_DEVICE_LIST_WIRE_BYTES * 4) / 3) + 256,
    summary:
      'Publish the next device list without one device; its sessions, prekeys and envelopes end.',
  }),
  'devices.list': defineEvent({
    input: devicesListSchema,
    output: devicesListResultSchema,
    maxBytes: 256,
    summary: 'The caller’s own device list, or another account’s across a channel.',
  }),
  'prekeys.set_signed': defineEvent({
    input: setSignedPrekeysSchema,
    output: emptySchema,
    maxBytes: 4 * 1024,
    summary:
      'Replace the caller device’s signed X25519 prekey and last-resort ML-KEM-768 prekey (rotation).',
  }),
  'prekeys.add_one_time': defineEvent({
    input: addOneTimePrekeysSchema,
    output: z.object({ oneTimeRemaining: z.number().int() }),
    maxBytes: 12 * 1024,
    summary: 'Add one-time X25519 prekeys for the caller’s device, all or none.',
  }),
  'prekeys.add_one_time_kem': defineEvent({
    input: addOneTimeKemPrekeysSchema,
    output: z.object({ oneTimeKemRemaining: z.number().int() }),
    maxBytes: 40 * 1024,
    summary: 'Add signed one-time ML-KEM-768 prekeys for the caller’s device, all or none.',
  }),
  'prekeys.status': defineEvent({
    input: emptySchema,
    output: prekeyStatusSchema,
    maxBytes: 256,
    summary:
      'How many one-time prekeys of each kind the caller’s device has left, and its signed prekey id.',
  }),
  'prekeys.fetch': defineEvent({
    input: fetchBundleSchema,
    output: prekeyBundlesWireSchema,
    maxBytes: 256,
    summary:
      'Another account’s device list and a bundle per device, each consuming one-time prekeys of that device.',
  }),
  'certificates.publish': defineEvent({
    input: publishCertificateSchema,
    output: z.object({ serial: z.string(), expiresAt: z.number().int() }),
    maxBytes: 2 * MAX_CERTIFICATE_BYTES,
    summary: 'Publish a root-signed moderator certificate.',
  }),
  'certificates.list': defineEvent({
    input: emptySchema,
    output: certificateListSchema,
    maxBytes: 256,
    summary:
      'Every current moderator certificate with its account’s current envelope prekey, and the latest revocation list.',
  }),
  'envelope_prekeys.publish': defineEvent({
    input: publishEnvelopePrekeySchema,
    output: emptySchema,
    maxBytes: 4 * 1024,
    summary: 'Publish the caller’s newest identity-signed envelope prekey (rotation).',
  }),
  'envelope_prekeys.fetch': defineEvent({
    input: fetchEnvelopePrekeySchema,
    output: envelopePrekeyResultSchema,
    maxBytes: 256,
    summary: 'Another account’s current envelope prekey, to share a sealed envelope with it.',
  }),
  'revocations.publish': defineEvent({
    input: publishRevocationListSchema,
    output: z.object({ issuedAt: z.number().int() }),
    maxBytes: Math.ceil((MAX_REVOCATION_LIST_BYTES * 4) / 3) + 256,
    summary: 'Publish a root-signed revocation list newer than the current one.',
  }),
  'conversations.open': defineEvent({
    input: conversationsOpenSchema,
    output: z.object({ conversation: conversationSchema }),
    maxBytes: 256,
    summary:
      'Open a conversation with another account where the channel policy allows it, or get the open one.',
  }),
  'conversations.list': defineEvent({
    input: conversationsListSchema,
    output: z.object({ conversations: z.array(conversationListEntrySchema) }),
    maxBytes: 256,
    summary:
      'The caller’s conversations, with the caller device’s acknowledged high water and the peer’s delivered mark in each.',
  }),
  'conversations.send': defineEvent({
    input: conversationsSendSchema,
    output: conversationsSendResultSchema,
    // The envelopes in base64url, and room for each one's device id and the other fields.
    maxBytes:
      Math.ceil((CONVERSATION_LIMITS.sendBytes * 4) / 3) +
      CONVERSATION_LIMITS.envelopesPerSend * 128 +
      512,
    summary:
      'Store, then acknowledge with its sequence number, one message: an envelope per device of the peer.',
  }),
  'conversations.fetch': defineEvent({
    input: conversationsFetchSchema,
    output: z.object({ messages: z.array(conversationMessageSchema) }),
    maxBytes: 256,
    summary: 'The caller device’s envelopes in a conversation after a sequence number, in order.',
  }),
  'conversations.ack': defineEvent({
    input: conversationsAckSchema,
    output: z.object({ ackedSeq: z.number().int() }),
    maxBytes: 256,
    summary:
      'The caller device’s high water: its envelopes up to that sequence number are deleted.',
  }),
  'conversations.close': defineEvent({
    input: conversationsCloseSchema,
    output: z.object({ conversation: conversationSchema }),
    maxBytes: 256,
    summary: 'Either participant closes the conversation: no more messages.',
  }),
  'conversations.block': defineEvent({
    input: conversationsBlockSchema,
    output: z.object({ conversation: conversationSchema }),
    maxBytes: 256,
    summary:
      'Either side of a match blocks the other: never matched again, the match withdrawn, the conversation closed.',
  }),
  'conversations.set_timer': defineEvent({
    input: conversationsSetTimerSchema,
    output: z.object({ conversation: conversationSchema }),
    maxBytes: 256,
    summary: 'Either participant sets the disappearing-message timer (1 hour to 4 weeks).',
  }),
  'volunteers.vet': defineEvent({
    input: signedDecisionSchema,
    output: vettingDecisionResultSchema,
    maxBytes: SIGNED_DECISION_MAX_BYTES,
    summary:
      'Vet a volunteer at a tier, by a signed statement; high takes effect once two different moderators signed it.',
  }),
  'volunteers.unvet': defineEvent({
    input: signedDecisionSchema,
    output: vettingDecisionResultSchema,
    maxBytes: SIGNED_DECISION_MAX_BYTES,
    summary: 'Withdraw a volunteer’s vetting, by a signed statement.',
  }),
  'vetting.status': defineEvent({
    input: vettingStatusInputSchema,
    output: vettingStatusSchema,
    maxBytes: 256,
    summary: 'A volunteer’s vetting tier: staff for any volunteer, a volunteer for itself.',
  }),
  'moderation.suspend': defineEvent({
    input: signedDecisionSchema,
    output: suspendResultSchema,
    maxBytes: SIGNED_DECISION_MAX_BYTES,
    summary:
      'Suspend an account, by a signed statement: its sessions end and its sockets close at once.',
  }),
  'moderation.reinstate': defineEvent({
    input: signedDecisionSchema,
    output: reinstateResultSchema,
    maxBytes: SIGNED_DECISION_MAX_BYTES,
    summary: 'Lift a suspension, by a signed statement.',
  }),
  'audit.head': defineEvent({
    input: emptySchema,
    output: auditHeadSchema,
    maxBytes: 256,
    summary:
      'The audit log’s length and head hash, to record as a checkpoint or sign into a statement.',
  }),
  'audit.entries': defineEvent({
    input: auditEntriesInputSchema,
    output: auditEntriesResultSchema,
    maxBytes: 256,
    summary:
      'A page of the audit log’s entries exactly as stored, with the head, for staff to verify the chain on their device.',
  }),
  'offers.put': defineEvent({
    input: offerSchema,
    output: offersPutResultSchema,
    // The sealed note in base64url, and room for the largest offer's other fields.
    maxBytes: Math.ceil((MAX_OFFER_NOTE_BYTES * 4) / 3) + 2048,
    summary:
      'A volunteer replaces their whole offer (skills, languages, regions, hours, capacity).',
  }),
  'offers.get': defineEvent({
    input: offersGetSchema,
    output: offersGetResultSchema,
    maxBytes: 256,
    summary: 'A volunteer’s own offer, or (moderators and admins) a volunteer’s by account id.',
  }),
  'offers.set_paused': defineEvent({
    input: offersSetPausedSchema,
    output: offersSetPausedResultSchema,
    maxBytes: 256,
    summary: 'A volunteer pauses or resumes their offer without sending it again.',
  }),
  'requests.create': defineEvent({
    input: requestsCreateSchema,
    output: requestsCreateResultSchema,
    // The sealed details in base64url, and room for the other fields.
    maxBytes: Math.ceil((MAX_REQUEST_DETAILS_BYTES * 4) / 3) + 1024,
    summary: 'A contact asks for help: skills, urgency, languages, region, sealed details.',
  }),
  'requests.list': defineEvent({
    input: emptySchema,
    output: requestsListResultSchema,
    maxBytes: 256,
    summary: 'The contact’s own requests with their states, newest first.',
  }),
  'requests.cancel': defineEvent({
    input: requestsCancelSchema,
    output: requestsCancelResultSchema,
    maxBytes: 256,
    summary: 'The contact withdraws one of their requests (any time before it is resolved).',
  }),
  'moderation.queue': defineEvent({
    input: emptySchema,
    output: moderationQueueResultSchema,
    maxBytes: 256,
    summary:
      'Pending proposals, oldest first: request fields and sealed details, the volunteer’s offer and tier, score, reasons, alternatives, approvals.',
  }),
  'moderation.approve': defineEvent({
    input: moderationApproveSchema,
    output: proposalDecisionResultSchema,
    // The re-wrapped details in base64url, the statement, and room for the JSON around them.
    maxBytes: Math.ceil((MAX_REQUEST_DETAILS_BYTES * 4) / 3) + SIGNED_DECISION_MAX_BYTES,
    summary:
      'Approve a proposal by a signed statement, with the details re-wrapped for the volunteer; a critical skill needs two different moderators.',
  }),
  'moderation.reject': defineEvent({
    input: proposalDecisionSchema,
    output: proposalDecisionResultSchema,
    // The sealed note in base64url, the statement, and room for the JSON around them.
    maxBytes: Math.ceil((MAX_PROPOSAL_NOTE_BYTES * 4) / 3) + SIGNED_DECISION_MAX_BYTES,
    summary:
      'Reject a proposal by a signed statement with a reason: the pair is barred, the request matched again.',
  }),
  'moderation.repropose': defineEvent({
    input: proposalDecisionSchema,
    output: reproposeResultSchema,
    maxBytes: Math.ceil((MAX_PROPOSAL_NOTE_BYTES * 4) / 3) + SIGNED_DECISION_MAX_BYTES,
    summary:
      'Replace a pending proposal by one to another volunteer (the statement’s subject), in one step.',
  }),
  'matches.list': defineEvent({
    input: emptySchema,
    output: matchesListResultSchema,
    maxBytes: 256,
    summary:
      'A volunteer’s approved and accepted matches (with the re-wrapped details), or a contact’s accepted ones.',
  }),
  'matches.accept': defineEvent({
    input: matchIdSchema,
    output: matchResultSchema,
    maxBytes: 256,
    summary:
      'The volunteer accepts an approved match: the request becomes active, both sides are told.',
  }),
  'matches.decline': defineEvent({
    input: matchIdSchema,
    output: matchResultSchema,
    maxBytes: 256,
    summary:
      'The volunteer declines an approved match, or the contact declines an accepted volunteer: barred, matched again.',
  }),
  'matches.end': defineEvent({
    input: matchesEndSchema,
    output: matchResultSchema,
    maxBytes: 256,
    summary: 'Either side ends a live match: resolved or closed (the request too).',
  }),
  'matches.block': defineEvent({
    input: matchIdSchema,
    output: matchResultSchema,
    maxBytes: 256,
    summary:
      'Either side blocks the other: never matched again; a live match is withdrawn and the request matched again.',
  }),
  'reports.create': defineEvent({
    input: reportsCreateSchema,
    output: reportsCreateResultSchema,
    // The sealed note in base64url, and room for the other fields.
    maxBytes: Math.ceil((MAX_REPORT_NOTE_BYTES * 4) / 3) + 512,
    summary:
      'Report an account for abuse (a reason, perhaps a request, a note sealed to the moderators); the answer says only that it was received.',
  }),
  'reports.list': defineEvent({
    input: reportsListSchema,
    output: reportsListResultSchema,
    maxBytes: 256,
    summary: 'Open abuse reports, oldest first, a page at a time, with their sealed notes.',
  }),
  'reports.dismiss': defineEvent({
    input: reportsDismissSchema,
    output: reportsDismissResultSchema,
    maxBytes: SIGNED_DECISION_MAX_BYTES,
    summary: 'Close an open report without action, by a signed dismiss_report statement.',
  }),
} as const;

export type ClientEvents = typeof clientEvents;
export type ClientEventName = keyof ClientEvents;
export type EventInput<E extends ClientEventName> = z.input<ClientEvents[E]['input']>;
export type EventPayload<E extends ClientEventName> = z.output<ClientEvents[E]['input']>;
export type EventResult<E extends ClientEventName> = z.input<ClientEvents[E]['output']>;
/** An event's result as a client sees it after parsing: byte fields as Uint8Array. */
export type EventOutput<E extends ClientEventName> = z.output<ClientEvents[E]['output']>;

/**
 * Checks the raw acknowledgement of `event` against the contract, as a client should before
 * trusting it: `{ ok: true, data }` with byte fields decoded, or `{ ok: false, error }`. Throws
 * (a ZodError) when the server answered something else.
 */
export function parseEventAck<E extends ClientEventName>(
  event: E,
  raw: unknown,
): Ack<EventOutput<E>> {
  return ackSchema(clientEvents[event].output).parse(raw) as Ack<EventOutput<E>>;
}

export type ClientToServerEvents = {
  [E in ClientEventName]: (payload: EventInput<E>, ack: AckCallback<EventResult<E>>) => void;
};

export const sessionRevokedSchema = z.object({
  /**
   * 'revoked' when the server only knows the session ended (e.g. ended from another process);
   * 'rekeyed' when another session of the account changed its passphrase or account key;
   * 'device_removed' when the session's device was removed from the account's device list.
   */
  reason: z.enum([
    'logout',
    'logout_all',
    'suspended',
    'expired',
    'revoked',
    'rekeyed',
    'device_removed',
  ]),
});
export type SessionRevoked = z.infer<typeof sessionRevokedSchema>;

export const protocolErrorSchema = z.object({ code: z.enum(ERROR_CODES), message: z.string() });

export type ProtocolError = z.infer<typeof protocolErrorSchema>;

export interface ServerToClientEvents {
  /** The session ended; the server disconnects the socket right after this. */
  'session.revoked': (event: SessionRevoked) => void;
  /** The device's supply of one-time prekeys (either kind) is running low; upload more. */
  'prekeys.low': (event: { oneTimeRemaining: number; oneTimeKemRemaining: number }) => void;
  /** The account's device list changed (sent to every socket of the account). */
  'devices.changed': (event: DevicesChanged) => void;
  /** One of the contact's requests changed state (sent to every socket of the contact). */
  'requests.changed': (event: RequestsChanged) => void;
  /** To moderators' and admins' sockets: the queue of pending proposals changed. */
  'moderation.queue_changed': (event: QueueChanged) => void;
  /** To a match's volunteer, and its contact from acceptance on: the match changed state. */
  'matches.changed': (event: MatchesChanged) => void;
  /** To staff sockets: an abuse report was made or closed. */
  'reports.changed': (event: ReportsChanged) => void;
  /** A conversation message for the device; ack its sequence number with `conversations.ack`. */
  'conversations.message': (message: ConversationMessageWire) => void;
  /** A conversation of the account opened, closed or changed its timer. */
  'conversations.changed': (event: ConversationsChanged) => void;
  /** The other participant's devices acknowledged everything up to `seq` (delivered). */
  'conversations.delivered': (event: ConversationsDelivered) => void;
  /** A client→server event that could not be answered with an ack (it carried no callback). */
  'protocol.error': (error: ProtocolError) => void;
}

/** No server-to-server events yet; the Redis adapter only relays the ones above. */
export type InterServerEvents = Record<never, never>;

/** What the server keeps on each authenticated socket (socket.data). */
export const socketDataSchema = z.object({
  accountId: idSchema,
  handle: handleSchema,
  role: roleSchema,
  sessionId: idSchema,
  /** The device the socket acts as (named and proven at the handshake); null for none yet. */
  deviceId: idSchema.nullable(),
  sessionExpiresAt: z.number().int(),
  /** When the account was created: how old a sender is, without a store read per event. */
  accountCreatedAt: z.number().int(),
});
export type SocketData = z.output<typeof socketDataSchema>;

export function isClientEventName(name: unknown): name is ClientEventName {
  return typeof name === 'string' && Object.hasOwn(clientEvents, name);
}

/** Names of the server→client pushes, for documentation checks and clients that list them. */
export const SERVER_EVENT_NAMES = [
  'session.revoked',
  'prekeys.low',
  'devices.changed',
  'requests.changed',
  'conversations.message',
  'conversations.changed',
  'conversations.delivered',
  'moderation.queue_changed',
  'matches.changed',
  'reports.changed',
  'protocol.error',
] as const satisfies readonly (keyof ServerToClientEvents)[];
