import type { IdentityKey } from './identity.ts';
import type { Profile } from './profile.ts';

/** A profile as stored, with the version its next write must still find (optimistic concurrency). */
export interface StoredProfile {
  profile: Profile;
  version: number;
}

export type SaveResult = 'saved' | 'conflict';

/** Single-item reads and conditional writes: all the profile rules need from a store. */
export interface ProfileStore {
  load(storeId: string, key: IdentityKey): Promise<StoredProfile | undefined>;
  /** Writes if the stored version is still `expectedVersion` (undefined: the item must not exist yet). */
  save(profile: Profile, expectedVersion: number | undefined): Promise<SaveResult>;
}

/**
 * Erasures of people (GDPR, APPI), as the erasure left them: a keyed hash per identity and the time.
 * Answers the newest erasure time of any of the keys, if one of them was erased.
 */
export interface ErasureLog {
  erasedAt(storeId: string, keys: readonly IdentityKey[]): Promise<string | undefined>;
}
