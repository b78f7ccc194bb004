// The conversation writer: the relay's two hot writes — appending a message, applying a device's
// acknowledgement — run in a worker thread on a SQLite connection of their own
// (conversation-writer-thread.ts), so the store's share of a send (≈40–50 µs of CPU: statements,
// commit, checkpoints) overlaps socket.io's on the other core instead of following it on the
// event loop (docs/relay.md, "The conversation writer").
//
// What does not change: each write runs in the thread's group commit exactly as on the event
// loop, and its promise settles only after its transaction ended — persist-before-ack. Both
// connections are WAL connections on one file, as the server and the admin CLI always were:
// writes serialise on SQLite's write lock (busy_timeout), and every check a send makes is read
// inside the transaction that stores it, so what the event loop's connection committed (a device
// removed, a conversation closed) is seen by the next send.
//
// The thread starts on the first write, not at open: most stores a test opens never send.
import { Worker } from 'node:worker_threads';
import type {
  AckResult,
  AppendMessageResult,
  BacklogCaps,
  NewConversationMessage,
} from '../ports.js';
import type {
  FromWriter,
  ToWriter,
  WriteRequest,
  WriteValue,
} from './conversation-writer-messages.js';

export interface ConversationWriter {
  append(message: NewConversationMessage, caps: BacklogCaps): Promise<AppendMessageResult>;
  acknowledge(conversationId: string, deviceId: string, seq: number): Promise<AckResult>;
  /** Asks the thread's connection to scrub the log too, if the thread runs. */
  requestScrub(): void;
  /** Rejects once the thread has failed; the store's ping reports it. */
  check(): void;
  /** Lets the thread finish what it was sent, scrub and close its connection; idempotent. */
  close(): Promise<void>;
}

interface Waiting {
  resolve(value: WriteValue): void;
  reject(error: Error): void;
}

/** Where requests wait for the next post: the writes of one event-loop turn go in one message. */
interface Outgoing {
  request: WriteRequest;
  bodies: readonly Uint8Array[];
}

/**
 * The thread's code: the compiled file next to the bundle (scripts/build.ts builds it), or, when
 * the server runs from TypeScript (tsx, vitest), the source file loaded through tsx's loader.
 */
function startThread(file: string): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) {
    return new Worker(
      new URL('./conversation-writer-thread.' + (here.endsWith('.mjs') ? 'mjs' : 'js'), here),
      { workerData: { file } },
    );
  }
  const entry = new URL('./conversation-writer-thread.ts', here).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  return new Worker(
    `import(${JSON.stringify(tsx)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`,
    { eval: true, workerData: { file } },
  );
}

export function createConversationWriter(file: string): ConversationWriter {
  let worker: Worker | undefined;
  let failure: Error | undefined;
  let closed: Promise<void> | undefined;
  let nextId = 1;
  const waiting = new Map<number, Waiting>();
  let outgoing: Outgoing[] = [];

  const fail = (error: Error): void => {
    failure ??= error;
    for (const waiter of waiting.values()) waiter.reject(failure);
    waiting.clear();
  };

  const onMessage = (message: FromWriter): void => {
    if (message.kind !== 'done') return;
    for (const outcome of message.outcomes) {
      const waiter = waiting.get(outcome.id);
      if (waiter === undefined) continue;
      waiting.delete(outcome.id);
      if (outcome.ok) waiter.resolve(outcome.value);
      else waiter.reject(new Error(outcome.error));
    }
    // An idle thread does not keep the process alive; one with writes in flight does.
    if (waiting.size === 0) worker?.unref();
  };

  const thread = (): Worker => {
    if (worker !== undefined) return worker;
    const started = startThread(file);
    started.on('message', onMessage);
    started.on('error', (error) =>
      fail(new Error(`store: conversation writer failed (${error.name})`)),
    );
    started.on('exit', () => fail(new Error('store: conversation writer stopped')));
    worker = started;
    return started;
  };

  const flush = (): void => {
    const batch = outgoing;
    outgoing = [];
    if (failure !== undefined) return;
    // Every envelope's bytes copied into one fresh buffer, handed over without a second copy.
    // (A body may be a view of Node's shared pool: sending it would copy the whole pool.)
    let total = 0;
    for (const { bodies } of batch) for (const body of bodies) total += body.length;
    const bytes = new ArrayBuffer(total);
    const view = new Uint8Array(bytes);
    let offset = 0;
    for (const { bodies } of batch) {
      for (const body of bodies) {
        view.set(body, offset);
        offset += body.length;
      }
    }
    const message: ToWriter = {
      kind: 'writes',
      writes: batch.map((entry) => entry.request),
      bytes,
    };
    thread().postMessage(message, [bytes]);
  };

  const submit = (
    request: (id: number) => WriteRequest,
    bodies: readonly Uint8Array[],
  ): Promise<WriteValue> => {
    if (failure !== undefined) return Promise.reject(failure);
    if (closed !== undefined) return Promise.reject(new Error('store: closed'));
    const id = nextId;
    nextId += 1;
    if (outgoing.length === 0) setImmediate(flush);
    outgoing.push({ request: request(id), bodies });
    thread().ref();
    return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
  };

  return {
    append(message, caps) {
      let offset = 0;
      const envelopes = message.envelopes.map((envelope) => {
        const at = { deviceId: envelope.deviceId, offset, length: envelope.body.length };
        offset += envelope.body.length;
        return at;
      });
      return submit(
        (id) => ({
          id,
          kind: 'append',
          conversationId: message.conversationId,
          senderId: message.senderId,
          senderDeviceId: message.senderDeviceId,
          clientId: message.clientId,
          sentAt: message.sentAt,
          envelopes,
          caps: { envelopes: caps.envelopes, bytes: caps.bytes },
        }),
        message.envelopes.map((envelope) => envelope.body),
      ) as Promise<AppendMessageResult>;
    },

    acknowledge(conversationId, deviceId, seq) {
      return submit(
        (id) => ({ id, kind: 'acknowledge', conversationId, deviceId, seq }),
        [],
      ) as Promise<AckResult>;
    },

    requestScrub() {
      if (worker !== undefined && failure === undefined && closed === undefined) {
        const message: ToWriter = { kind: 'scrub' };
        worker.postMessage(message);
      }
    },

    check() {
      if (failure !== undefined) throw failure;
    },

    close() {
      closed ??= (async () => {
        const running = worker;
        if (running === undefined || failure !== undefined) return;
        running.ref();
        const done = new Promise<void>((resolve) => running.once('exit', () => resolve()));
        const message: ToWriter = { kind: 'close' };
        // After the writes of this turn, which go first.
        setImmediate(() => running.postMessage(message));
        await done;
      })();
      return closed;
    },
  };
}
