// One conversation's messages as the chat screen shows them: the history this device stored,
// then every message the core reports, merged by id — a message that changes state (queued →
// sent) replaces itself, and one reported twice (a reconnect, a reload) is still shown once.
import {
  Observable,
  type KolokolClient,
  type LocalMessage,
  type Unsubscribe,
} from '@kolokol/client/core';

/** `messages` with `message` put in its place: replaced by id, else added; in conversation order. */
export function mergeMessage(
  messages: readonly LocalMessage[],
  message: LocalMessage,
): LocalMessage[] {
  const at = messages.findIndex((known) => known.id === message.id);
  const next =
    at === -1
      ? [...messages, message]
      : messages.map((known, index) => (index === at ? message : known));
  return inConversationOrder(next);
}

/**
 * By the server's sequence number (both sides' messages alike), then those not yet sent, in the
 * order they were written; the sort is stable, so equal keys keep their order.
 */
export function inConversationOrder(messages: readonly LocalMessage[]): LocalMessage[] {
  return [...messages].sort(
    (a, b) => (a.seq ?? Number.MAX_SAFE_INTEGER) - (b.seq ?? Number.MAX_SAFE_INTEGER),
  );
}

export class ChatThread {
  readonly messages = new Observable<readonly LocalMessage[]>([]);
  readonly #stop: Unsubscribe;
  #loaded = false;
  /** Reported while the history loaded: merged in once it is there. */
  #early: LocalMessage[] = [];

  constructor(
    private readonly client: KolokolClient,
    readonly conversation: string,
  ) {
    this.#stop = client.conversations.messages.on((message) => {
      if (message.conversation !== conversation) return;
      if (!this.#loaded) this.#early.push(message);
      else this.messages.set(mergeMessage(this.messages.value, message));
    });
  }

  /** Reads the stored history (again, after the disappearing-message sweep removed some). */
  async load(): Promise<void> {
    let merged = inConversationOrder(await this.client.conversations.history(this.conversation));
    for (const message of this.#early.splice(0)) merged = mergeMessage(merged, message);
    this.#loaded = true;
    this.messages.set(merged);
  }

  send(text: string): Promise<LocalMessage> {
    return this.client.conversations.send(this.conversation, text);
  }

  stop(): void {
    this.#stop();
  }
}
