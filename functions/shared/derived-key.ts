import { hkdfSync } from 'node:crypto';

/**
 * A 256-bit key for one purpose, derived (HKDF-SHA-256) from a store's signing key. Each purpose
 * names its own `label`, so no two uses (unsubscribe tokens, erasure tombstones, discount codes)
 * share a key, and the signing key itself is never used directly.
 */
export function derivedKey(signingKey: string, label: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(signingKey, 'utf8'), Buffer.alloc(0), label, 32));
}
