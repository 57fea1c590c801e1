import type { KeyRecord } from '../domain/credentials.ts';
import type { CredentialStore, StoreRecord } from '../domain/ports.ts';

/** Keeps looked-up keys and stores for a short time so a busy storefront costs no extra reads per request. */
export class CachingCredentialStore implements CredentialStore {
  private readonly cache = new Map<string, { value: unknown; expiresAt: number }>();

  constructor(
    private readonly inner: CredentialStore,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
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
    // Misses are not cached, so a store or key created a moment ago works at once.
    if (value !== undefined && this.ttlMs > 0)
      this.cache.set(key, { value, expiresAt: this.now() + this.ttlMs });
    return value;
  }
}
