import type { CanonicalEvent } from '#events/schemas.ts';
import { BrokenAliasError, ProfileContentionError } from '../errors.ts';
import { type ApplyOutcome, applyEvent } from './apply-event.ts';
import { type IdentityKey, identityKeys, outranks } from './identity.ts';
import { mergeProfiles } from './merge-profiles.ts';
import type { ErasureLog, ProfileStore, StoredProfile } from './ports.ts';
import { emptyProfile, type Profile } from './profile.ts';

const MAX_ATTEMPTS = 8;
const MAX_ALIAS_HOPS = 4;

export interface RecordEventResult {
  /** `erased`: the event is about someone erased after it happened (a replay, a late retry): dropped. */
  outcome: ApplyOutcome | 'erased';
  profileKey: IdentityKey;
  /** Weaker identities folded into the profile by this event. */
  merged: IdentityKey[];
}

/**
 * Records one canonical event in the profile of the person it is about.
 *
 * Steps, each a single-item conditional write so a crash or a concurrent writer at any point leaves
 * data that the next delivery completes:
 * 1. find the profile for the strongest identity (following alias pointers);
 * 2. for every weaker identity the event carries, freeze its profile as an alias of this one first,
 *    then fold its facts in (a frozen profile receives no more events, so nothing is lost);
 * 3. apply the event and save with the version read in step 1; on a conflict, start again.
 *
 * An event about someone erased after it happened is dropped: erasure deletes the profile, so only
 * an event that would start a new one asks the erasure log, and a profile started after an erasure
 * keeps its time (`erasedBefore`) to drop such events later too.
 */
export async function recordEvent(
  store: ProfileStore,
  event: CanonicalEvent,
  erasures?: ErasureLog,
): Promise<RecordEventResult> {
  const allKeys = identityKeys(event.identity);
  const [primaryKey, ...weakerKeys] = allKeys;
  if (primaryKey === undefined) throw new BrokenAliasError('event carries no identity');
  const occurredAt = Date.parse(event.occurredAt);
  attempts: for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const target = await resolveProfile(store, event.storeId, primaryKey);
    let profile = target.stored?.profile ?? (await newProfile(event.storeId, target.key, allKeys, erasures));
    if (profile.erasedBefore !== undefined && occurredAt <= Date.parse(profile.erasedBefore)) {
      return { outcome: 'erased', profileKey: target.key, merged: [] };
    }
    const merged: IdentityKey[] = [];
    let aliasesChanged = false;

    for (const key of [...target.viaAliases, ...weakerKeys]) {
      if (!outranks(profile.key, key) || profile.aliasKeys.includes(key)) continue;
      const alias = await store.load(event.storeId, key);
      // An alias may point at one of this profile's aliases: frozen by a merge into that weaker
      // identity which then lost its race to this one. Its facts are still to be folded in here.
      const pointsHere = (target: IdentityKey) =>
        target === profile.key || profile.aliasKeys.includes(target);
      const pointsElsewhere =
        alias?.profile.mergedInto !== undefined && !pointsHere(alias.profile.mergedInto);
      // The same e-mail on two customer accounts: keep them apart rather than guess.
      if (pointsElsewhere) continue;
      if (alias === undefined) {
        const pointer = { ...emptyProfile(event.storeId, key), mergedInto: profile.key };
        if ((await store.save(pointer, undefined)) === 'conflict') continue attempts;
      } else {
        if (alias.profile.mergedInto === undefined) {
          const frozen = { ...alias.profile, mergedInto: profile.key };
          if ((await store.save(frozen, alias.version)) === 'conflict') continue attempts;
        }
        profile = mergeProfiles(profile, alias.profile);
        merged.push(key);
      }
      profile = { ...profile, aliasKeys: [...profile.aliasKeys, key] };
      aliasesChanged = true;
    }

    const { profile: updated, outcome } = applyEvent(profile, event);
    const result = { outcome, profileKey: target.key, merged };
    if (outcome === 'duplicate' && !aliasesChanged && target.stored !== undefined) return result;
    if ((await store.save(updated, target.stored?.version)) === 'saved') return result;
  }
  throw new ProfileContentionError(
    `profile of ${primaryKey.split(':')[0]} still contended after ${MAX_ATTEMPTS} attempts`,
  );
}

async function newProfile(
  storeId: string,
  key: IdentityKey,
  identities: readonly IdentityKey[],
  erasures: ErasureLog | undefined,
): Promise<Profile> {
  const erasedAt = await erasures?.erasedAt(storeId, identities);
  return { ...emptyProfile(storeId, key), ...(erasedAt !== undefined && { erasedBefore: erasedAt }) };
}

interface ResolvedProfile {
  key: IdentityKey;
  stored: StoredProfile | undefined;
  /** Alias keys followed on the way; a merge interrupted after freezing them is completed from here. */
  viaAliases: IdentityKey[];
}

/** Follows alias pointers from any identity to the profile that holds the person's data. */
export async function resolveProfile(
  store: ProfileStore,
  storeId: string,
  key: IdentityKey,
): Promise<ResolvedProfile> {
  let current = key;
  const viaAliases: IdentityKey[] = [];
  for (let hop = 0; hop <= MAX_ALIAS_HOPS; hop += 1) {
    const stored = await store.load(storeId, current);
    const next = stored?.profile.mergedInto;
    if (next === undefined) return { key: current, stored, viaAliases };
    viaAliases.push(current);
    current = next;
  }
  throw new BrokenAliasError(`alias chain longer than ${MAX_ALIAS_HOPS} hops`);
}
