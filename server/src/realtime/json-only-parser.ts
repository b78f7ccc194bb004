// The socket.io parser the server runs: socket.io-parser's own encoder, and its decoder behind a
// gate that reads each incoming packet's type as text first. The protocol is JSON only, so
// binary engine.io frames and binary socket.io packets (BINARY_EVENT, BINARY_ACK) are refused
// before anything is decoded, reconstructed or buffered — one placeholder can otherwise stand
// for an attachment a thousand times over. The gate also refuses what no client of ours sends
// (ACK: the server never asks for one; CONNECT_ERROR; a second CONNECT on one connection;
// anything before the first CONNECT) and a CONNECT bigger than a handshake needs. A refusal
// throws, and socket.io closes the whole connection.
//
// It records each event's size as the bytes of the JSON text the client sent, for the router's
// per-event limit: never measured by re-serialising (which expands `1e20` to 21 digits).
import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';
import { MAX_CONNECT_PACKET_BYTES } from './limits.js';

/** Why a connection was closed by the gate; fixed strings, safe to log. */
export type PacketRefusal =
  'binary frame' | 'packet type' | 'packet before connect' | 'second connect' | 'connect too large';

const receivedBytes = new WeakMap<object, number>();

/**
 * Bytes of the JSON data text (`["event", payload]`) the client sent for this event's argument
 * list, or undefined when the arguments did not come through this parser.
 */
export function receivedDataBytes(args: readonly unknown[]): number | undefined {
  return receivedBytes.get(args);
}

/** Packet types as the first character of a text packet. */
const CONNECT = String(PacketType.CONNECT);
const DISCONNECT = String(PacketType.DISCONNECT);
const EVENT = String(PacketType.EVENT);

class RefusedPacket extends Error {
  override readonly name = 'RefusedPacket';
}

/** Where the JSON data starts in a text packet: after the type, an optional `/nsp,`, the ack id. */
function dataOffset(text: string): number {
  let index = 1;
  if (text.charAt(index) === '/') {
    const comma = text.indexOf(',', index);
    index = comma === -1 ? text.length : comma + 1;
  }
  while (index < text.length && text.charCodeAt(index) >= 48 && text.charCodeAt(index) <= 57) {
    index += 1;
  }
  return index;
}

export function jsonOnlyParser(onRefused: (reason: PacketRefusal) => void) {
  class JsonOnlyDecoder extends Decoder {
    #connected = false;
    #refused = false;
    #text = '';

    constructor() {
      // No attachments at all, as a second wall behind the type check below.
      super({ maxAttachments: 0 });
      this.on('decoded', (packet: Packet) => {
        if (packet.type === PacketType.EVENT && Array.isArray(packet.data)) {
          const offset = dataOffset(this.#text);
          receivedBytes.set(
            packet.data as object,
            Buffer.byteLength(this.#text) - Buffer.byteLength(this.#text.slice(0, offset)),
          );
        }
      });
    }

    override add(chunk: unknown): void {
      if (this.#refused) throw new RefusedPacket('connection already refused');
      const refusal = this.#check(chunk);
      if (refusal !== undefined) {
        this.#refused = true;
        onRefused(refusal);
        throw new RefusedPacket(refusal);
      }
      this.#text = chunk as string;
      try {
        super.add(chunk);
      } finally {
        this.#text = '';
      }
    }

    #check(chunk: unknown): PacketRefusal | undefined {
      if (typeof chunk !== 'string') return 'binary frame';
      const type = chunk.charAt(0);
      if (type === CONNECT) {
        if (this.#connected) return 'second connect';
        if (
          chunk.length > MAX_CONNECT_PACKET_BYTES ||
          Buffer.byteLength(chunk) > MAX_CONNECT_PACKET_BYTES
        )
          return 'connect too large';
        this.#connected = true;
        return undefined;
      }
      if (type !== EVENT && type !== DISCONNECT) return 'packet type';
      if (!this.#connected) return 'packet before connect';
      return undefined;
    }
  }
  return { Encoder, Decoder: JsonOnlyDecoder };
}
