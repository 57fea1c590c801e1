import type { IdentityKey } from '#profiles/domain/identity.ts';
import type { ErasureLog } from '#profiles/domain/ports.ts';
import type { TombstoneStore } from '../domain/erase-customer.ts';
import { type TombstoneHasher, tombstoneHasher } from '../domain/tombstone.ts';

/** Reads a store's tombstone key: its signing key, or undefined for a store without one. */
export type SigningKeyReader = (storeId: string) => Promise<string | undefined>;

/**
 * The erasure log over the tombstones: hashes the keys as the erasure did and reads them. A store's
 * hasher is kept for the life of the function (a signing key does not change under a running store).
 */
export class TombstoneErasureLog implements ErasureLog {
  private readonly hashers = new Map<string, Promise<TombstoneHasher | undefined>>();

  constructor(
    private readonly tombstones: Pick<TombstoneStore, 'find'>,
    private readonly signingKeyOf: SigningKeyReader,
  ) {}

  async erasedAt(storeId: string, keys: readonly IdentityKey[]): Promise<string | undefined> {
    const hash = await this.hasherOf(storeId);
    // A store that cannot hash cannot have erased anyone.
    if (hash === undefined || keys.length === 0) return undefined;
    const found = await this.tombstones.find(storeId, keys.map(hash));
    return found
      .map((tombstone) => tombstone.erasedAt)
      .sort()
      .at(-1);
  }

  private hasherOf(storeId: string): Promise<TombstoneHasher | undefined> {
    let hasher = this.hashers.get(storeId);
    if (hasher === undefined) {
      hasher = this.signingKeyOf(storeId).then((key) =>
        key === undefined ? undefined : tombstoneHasher(storeId, key),
      );
      // A failed read is not remembered: the next event asks again.
      hasher.catch(() => this.hashers.delete(storeId));
      this.hashers.set(storeId, hasher);
    }
    return hasher;
  }
}
