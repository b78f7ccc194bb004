// What the event loop and the conversation writer's thread say to each other
// (conversation-writer.ts, conversation-writer-thread.ts). Both ends are this server's own code in
// one process, never a client: the messages are typed, not parsed.
import type { AckResult, AppendMessageResult, BacklogCaps } from '../ports.js';

/** One envelope of a send: its recipient device and where its bytes are in the batch's buffer. */
export interface EnvelopeAt {
  readonly deviceId: string;
  readonly offset: number;
  readonly length: number;
}

export type WriteRequest =
  | {
      readonly id: number;
      readonly kind: 'append';
      readonly conversationId: string;
      readonly senderId: string;
      readonly senderDeviceId: string;
      readonly clientId: string;
      readonly sentAt: number;
      readonly envelopes: readonly EnvelopeAt[];
      readonly caps: BacklogCaps;
    }
  | {
      readonly id: number;
      readonly kind: 'acknowledge';
      readonly conversationId: string;
      readonly deviceId: string;
      readonly seq: number;
    };

export type ToWriter =
  /** The writes of one event-loop turn; every envelope's bytes in one transferred buffer. */
  | {
      readonly kind: 'writes';
      readonly writes: readonly WriteRequest[];
      readonly bytes: ArrayBuffer;
    }
  /** Something was deleted on the event loop's connection: scrub the log within the delay. */
  | { readonly kind: 'scrub' }
  /** Finish the writes already sent, scrub the log, close the connection and stop. */
  | { readonly kind: 'close' };

/** What a write answers when its transaction committed (or it was refused, as a value). */
export type WriteValue = AppendMessageResult | AckResult;

export type WriteOutcome =
  | { readonly id: number; readonly ok: true; readonly value: WriteValue }
  /** A database failure (never a refusal: those are values). Only the name crosses. */
  | { readonly id: number; readonly ok: false; readonly error: string };

export type FromWriter =
  /** Outcomes of committed (or failed) writes, each after its transaction's end. */
  | { readonly kind: 'done'; readonly outcomes: readonly WriteOutcome[] }
  | { readonly kind: 'closed' };
