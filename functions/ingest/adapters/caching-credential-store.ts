import type { KeyRecord } from '../domain/credentials.ts';
import type { CredentialStore, StoreRecord } from '../domain/ports.ts';

/** Misses are kept this long: a flood of made-up key ids costs one read per id per few seconds. */
export const NEGATIVE_CACHE_MS = 5_000;
/** Entries a container keeps at most (the oldest go first), so random key ids cannot grow it without end. */
export const MAX_CACHED_ENTRIES = 10_000;

/**
 * Keeps looked-up keys and stores for a short time so a busy storefront costs no extra reads per
 * request, and misses for a few seconds so unknown keys cannot make every request a read. A key or
 * store created a moment ago works within `NEGATIVE_CACHE_MS`; a revoked key stops within `ttlMs`.
 */
export class CachingCredentialStore implements CredentialStore {
  private readonly cache = new Map<string, { value: unknown; expiresAt: number }>();

  constructor(
    private readonly inner: CredentialStore,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
    private readonly negativeTtlMs = NEGATIVE_CACHE_MS,
  ) {}

  findKey(keyId: string): Promise<KeyRecord | undefined> {
    return this.cached(`key:${keyId}`, () => this.inner.findKey(keyId));
  }

  findStore(storeId: string): Promise<StoreRecord | undefined> {
    return this.cached(`store:${storeId}`, () => this.inner.findStore(storeId));
  }

  private async cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.cache.get(key);
    if (hit !== undefined && hit.expiresAt > this.now()) return hit.value as T;
    const value = await load();
    const ttl = value === undefined ? Math.min(this.negativeTtlMs, this.ttlMs) : this.ttlMs;
    if (ttl > 0) {
      this.cache.delete(key);
      this.cache.set(key, { value, expiresAt: this.now() + ttl });
      // A Map iterates in insertion order: the first key is the oldest entry.
      if (this.cache.size > MAX_CACHED_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
    }
    return value;
  }
}
