// The conversation writer's thread: its own SQLite connection on the store's file, running the
// relay's two hot writes (conversation-writes.ts) under group commit, so that SQLite's work — the
// statements, the commit's log writes, checkpoints and scrubs — runs on another core while the
// event loop goes on with socket.io (docs/relay.md, "The conversation writer").
//
// Each outcome is posted only after its transaction has ended: a send's `{ seq }` still goes out
// after its commit. Acknowledgements that deleted envelopes ask this connection's WAL scrubber
// for a checkpoint, as the event loop's connection does for its own deletions.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { NewConversationMessage } from '../ports.js';
import { configureConnection, SQLITE_BUSY_TIMEOUT_MS } from './connection.js';
import type {
  FromWriter,
  ToWriter,
  WriteOutcome,
  WriteRequest,
  WriteValue,
} from './conversation-writer-messages.js';
import { createConversationWrites } from './conversation-writes.js';
import { createGroupCommit } from './group-commit.js';
import { createWalScrubber } from './wal-scrubber.js';

const port = parentPort;
if (port === null) throw new Error('conversation writer: not started as a worker thread');
const { file } = workerData as { readonly file: string };

const db = new Database(file, { fileMustExist: true });
configureConnection(db, true);
const scrubber = createWalScrubber(db, { busyTimeoutMs: SQLITE_BUSY_TIMEOUT_MS });
const writes = createConversationWrites(db);
const group = createGroupCommit(db, writes.hooks);

let outstanding = 0;
let closing = false;
let outbox: WriteOutcome[] = [];

const post = (message: FromWriter): void => port.postMessage(message);

/** Queues an outcome; the outcomes settled in one turn go back in one message. */
const answer = (outcome: WriteOutcome): void => {
  if (outbox.length === 0) {
    // After the other outcomes of the same commit, which settle in the same microtask run.
    queueMicrotask(() => {
      const outcomes = outbox;
      outbox = [];
      post({ kind: 'done', outcomes });
      outstanding -= outcomes.length;
      if (closing && outstanding === 0) close();
    });
  }
  outbox.push(outcome);
};

function run(request: WriteRequest, bytes: ArrayBuffer): Promise<WriteValue> {
  if (request.kind === 'acknowledge') {
    return group
      .submit(() => writes.acknowledge(request.conversationId, request.deviceId, request.seq))
      .then((result) => {
        if (result.kind === 'acked' && result.deleted > 0) scrubber.request();
        return result;
      });
  }
  const message: NewConversationMessage = {
    conversationId: request.conversationId,
    senderId: request.senderId,
    senderDeviceId: request.senderDeviceId,
    clientId: request.clientId,
    sentAt: request.sentAt,
    envelopes: request.envelopes.map((envelope) => ({
      deviceId: envelope.deviceId,
      body: Buffer.from(bytes, envelope.offset, envelope.length),
    })),
  };
  return group.submit(() => writes.append(message, request.caps));
}

function close(): void {
  scrubber.stop();
  try {
    scrubber.scrubNow();
  } finally {
    db.close();
    post({ kind: 'closed' });
    port?.close();
  }
}

port.on('message', (message: ToWriter) => {
  switch (message.kind) {
    case 'writes':
      for (const request of message.writes) {
        outstanding += 1;
        run(request, message.bytes).then(
          (value) => answer({ id: request.id, ok: true, value }),
          (error: unknown) =>
            answer({
              id: request.id,
              ok: false,
              error: error instanceof Error ? error.message : 'store: write failed',
            }),
        );
      }
      return;
    case 'scrub':
      scrubber.request();
      return;
    case 'close':
      closing = true;
      if (outstanding === 0) close();
      return;
  }
});
