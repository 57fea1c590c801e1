import { TombstoneErasureLog } from '#privacy/adapters/tombstone-erasure-log.ts';
import type { TombstoneStore } from '#privacy/domain/erase-customer.ts';
import { type Tombstone, tombstoneHasher } from '#privacy/domain/tombstone.ts';
import type { IdentityKey } from '#profiles/domain/identity.ts';

export const TEST_SIGNING_KEY = 'test-store-signing-key';

export class InMemoryTombstones implements TombstoneStore {
  readonly items = new Map<string, Tombstone>();

  async put(storeId: string, tombstones: readonly Tombstone[]): Promise<void> {
    for (const tombstone of tombstones) this.items.set(`${storeId}#${tombstone.hash}`, tombstone);
  }

  async find(storeId: string, hashes: readonly string[]): Promise<Tombstone[]> {
    return hashes.flatMap((hash) => this.items.get(`${storeId}#${hash}`) ?? []);
  }
}

/** The erasure log over in-memory tombstones, hashed as a store with {@link TEST_SIGNING_KEY} would. */
export class InMemoryErasureLog extends TombstoneErasureLog {
  constructor(readonly stored = new InMemoryTombstones()) {
    super(stored, async () => TEST_SIGNING_KEY);
  }

  /** Leaves the tombstones an erasure of these identities at `at` would. */
  async erase(storeId: string, keys: readonly IdentityKey[], at: string): Promise<void> {
    const hash = tombstoneHasher(storeId, TEST_SIGNING_KEY);
    await this.stored.put(
      storeId,
      keys.map((key) => ({ hash: hash(key), erasedAt: at })),
    );
  }
}
