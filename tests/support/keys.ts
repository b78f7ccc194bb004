// Client-side key plumbing for tests: an account with its own prekey store, uploads in wire
// form, and bundles parsed from the wire with shared's schema, as the web client will do.
import { prekeyBundleWireSchema, toBase64Url } from '@kolokol/shared';
import { PrekeyStore, type PrekeyBundle, type PublicOneTimePrekey } from '@kolokol/shared/crypto';
import { call, type ClientSocket, type TestAccount } from './client.js';

export function wireKey(prekey: { id: number; publicKey: Uint8Array; signature?: Uint8Array }) {
  return {
    id: prekey.id,
    publicKey: toBase64Url(prekey.publicKey),
    ...(prekey.signature ? { signature: toBase64Url(prekey.signature) } : {}),
  };
}

export function wireSigned(prekey: { id: number; publicKey: Uint8Array; signature: Uint8Array }) {
  return {
    id: prekey.id,
    publicKey: toBase64Url(prekey.publicKey),
    signature: toBase64Url(prekey.signature),
  };
}

export function wireOneTime(prekeys: readonly PublicOneTimePrekey[]) {
  return prekeys.map((p) => ({ id: p.id, publicKey: toBase64Url(p.publicKey) }));
}

/** Rotates signed prekeys and adds `oneTime` one-time prekeys, uploading both; returns the private store. */
export async function publishPrekeys(
  socket: ClientSocket,
  account: TestAccount,
  oneTime: number,
): Promise<PrekeyStore> {
  const store = new PrekeyStore();
  const { signedPrekey, kemPrekey } = store.rotate(account.identity, Date.now());
  const set = await call(socket, 'prekeys.set_signed', {
    signedPrekey: wireSigned(signedPrekey),
    kemPrekey: wireSigned(kemPrekey),
  });
  if (!set.ok) throw new Error(`set_signed failed: ${set.error.code}`);
  for (let left = oneTime; left > 0; left -= 100) {
    const added = await call(socket, 'prekeys.add_one_time', {
      prekeys: wireOneTime(store.addOneTimePrekeys(Math.min(100, left))),
    });
    if (!added.ok) throw new Error(`add_one_time failed: ${added.error.code}`);
  }
  return store;
}

export async function fetchBundle(socket: ClientSocket, accountId: string): Promise<PrekeyBundle> {
  const ack = await call(socket, 'prekeys.fetch', { accountId });
  if (!ack.ok) throw new Error(`fetch failed: ${ack.error.code}`);
  const { identity, signedPrekey, kemPrekey, oneTimePrekey } = prekeyBundleWireSchema.parse(
    ack.data,
  );
  return { identity, signedPrekey, kemPrekey, ...(oneTimePrekey ? { oneTimePrekey } : {}) };
}
