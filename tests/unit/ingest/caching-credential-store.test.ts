import { describe, expect, it } from 'vitest';
import { CachingCredentialStore, MAX_CACHED_ENTRIES } from '#ingest/adapters/caching-credential-store.ts';
import type { KeyRecord } from '#ingest/domain/credentials.ts';
import type { CredentialStore, StoreRecord } from '#ingest/domain/ports.ts';

/** A credential store that counts its reads and knows the keys it is given. */
class CountingStore implements CredentialStore {
  reads = 0;
  readonly keys = new Map<string, KeyRecord>();
  async findKey(keyId: string) {
    this.reads += 1;
    return this.keys.get(keyId);
  }
  async findStore(_storeId: string): Promise<StoreRecord | undefined> {
    this.reads += 1;
    return undefined;
  }
}

const key = { keyId: 'k-1' } as unknown as KeyRecord;

describe('Class: CachingCredentialStore', () => {
  it('keeps an unknown key for a few seconds only, so a flood of it costs one read and a new key works soon', async () => {
    // Prepare
    let now = 0;
    const inner = new CountingStore();
    const cache = new CachingCredentialStore(inner, 60_000, () => now, 5_000);

    // Act: a hundred requests with an unknown key, then the key is created and six seconds pass.
    for (let request = 0; request < 100; request += 1) await cache.findKey('k-1');
    inner.keys.set('k-1', key);
    const stillUnknown = await cache.findKey('k-1');
    now = 6_000;
    const known = await cache.findKey('k-1');

    // Assess
    expect(stillUnknown).toBeUndefined();
    expect(known).toBe(key);
    expect(inner.reads).toBe(2);
  });

  it('keeps at most a bounded number of entries, dropping the oldest', async () => {
    // Prepare
    const inner = new CountingStore();
    const cache = new CachingCredentialStore(inner, 60_000, () => 0);

    // Act: one more made-up key id than the cache holds, then the first again.
    for (let id = 0; id <= MAX_CACHED_ENTRIES; id += 1) await cache.findKey(`random-${id}`);
    const readsBefore = inner.reads;
    await cache.findKey('random-0');
    await cache.findKey(`random-${MAX_CACHED_ENTRIES}`);

    // Assess: the oldest was dropped (read again), the newest is still cached.
    expect(inner.reads).toBe(readsBefore + 1);
  });
});
