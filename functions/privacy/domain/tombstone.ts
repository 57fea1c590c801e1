import { createHmac } from 'node:crypto';
import type { IdentityKey } from '#profiles/domain/identity.ts';
import { derivedKey } from '#shared/derived-key.ts';

/** Separates this key from the unsubscribe token's, both derived from the store's signing key. */
const KEY_INFO = 'storefront-journeys erasure tombstone v1';

/**
 * What an erasure leaves of a person: a keyed hash per identity (e-mail, customer id…) and the time,
 * so events about them that happened before it (an archive replay, a late retry) are dropped and
 * no run mails them again, while nobody holding the tables can tell who was erased.
 */
export interface Tombstone {
  hash: string;
  erasedAt: string;
}

/** Hashes identity keys under a store's secret: the same key always gives the same hash. */
export type TombstoneHasher = (key: IdentityKey) => string;

export function tombstoneHasher(storeId: string, signingKey: string): TombstoneHasher {
  const key = derivedKey(signingKey, KEY_INFO);
  return (identity) => createHmac('sha256', key).update(`${storeId}\n${identity}`).digest('base64url');
}
