import { isDeepStrictEqual } from 'node:util';
import { canonicalEventSchema, type UnstampedEvent } from '#events/schemas.ts';
import type { IdentityKey } from '#profiles/domain/identity.ts';
import type { ProfileStore, SaveResult, StoredProfile } from '#profiles/domain/ports.ts';
import type { Profile } from '#profiles/domain/profile.ts';
import { recordEvent } from '#profiles/domain/record-event.ts';
import { resolve } from './profile-audit.ts';
import type { PersonTruth } from './shop-story.ts';

/**
 * The profiles a single, in-order delivery gives: the story applied one event after the other by the
 * same profile rules, in process. Duplicated or reordered deliveries through the stack must end here.
 */
export async function referenceProfiles(
  events: readonly UnstampedEvent[],
  storeId: string,
): Promise<Map<IdentityKey, Profile>> {
  const store = new MapProfileStore();
  for (const event of events) {
    await recordEvent(store, canonicalEventSchema.parse({ ...event, storeId, origin: 'api' }));
  }
  return new Map([...store.items.values()].map(({ profile }) => [profile.key, profile]));
}

/**
 * What must not depend on how often or in which order events arrive. Left out: the order of
 * `appliedEventIds` and `anonymousIds` (compared as sets), and the join bookkeeping `mergedKeys` and
 * `aliasKeys`, which record how the identities were joined (a profile folded in, or only a pointer
 * written; an alias followed directly or through another alias), not what is known about the person.
 */
export function comparableProfile(profile: Profile): Record<string, unknown> {
  // Through JSON, as DynamoDB's `removeUndefinedValues` stores it: a field set to undefined is no field.
  const stored = JSON.parse(JSON.stringify(profile)) as Profile;
  const { appliedEventIds, anonymousIds, aliasKeys: _aliasKeys, mergedKeys: _mergedKeys, ...rest } = stored;
  return { ...rest, appliedEventIds: [...appliedEventIds].sort(), anonymousIds: [...anonymousIds].sort() };
}

/**
 * Fields that today depend on the order events arrive in (found by the reorder run): a
 * `checkout.started` older than the cart snapshot the profile holds does not link its checkout to
 * that cart, and of two orders that could have emptied a cart the first one stored is named. A
 * duplicate cannot change them (the same snapshot or order applied twice is a no-op), so the
 * duplicates run leaves them to the reorder run rather than fail on the stack's own reordering.
 */
export const ARRIVAL_ORDER_FIELDS: readonly string[] = [
  'cart.checkoutId',
  'cart.checkoutStartedAt',
  'cart.orderId',
];

/** Each person whose profile differs from the reference, with the fields that differ (`cart.checkoutId`). */
export function profileDifferences(
  actual: ReadonlyMap<IdentityKey, Profile>,
  reference: ReadonlyMap<IdentityKey, Profile>,
  people: readonly PersonTruth[],
  ignore: readonly string[] = [],
): string[] {
  const differences: string[] = [];
  for (const person of people) {
    const got = resolve(actual, person.key);
    const expected = resolve(reference, person.key);
    if (got === undefined || expected === undefined) {
      if (got !== expected)
        differences.push(`${person.key}: ${got === undefined ? 'missing' : 'unexpected'}`);
      continue;
    }
    const fields = differingFields(comparableProfile(got), comparableProfile(expected)).filter(
      (field) => !ignore.includes(field),
    );
    if (fields.length > 0) differences.push(`${person.key}: ${fields.join(', ')}`);
  }
  return differences;
}

/** `cart.checkoutId`: the fields that differ, one level into objects such as the cart or the lifecycle. */
function differingFields(
  left: Record<string, unknown>,
  right: Record<string, unknown>,
  prefix = '',
): string[] {
  return [...new Set([...Object.keys(left), ...Object.keys(right)])].flatMap((field) => {
    const [a, b] = [left[field], right[field]];
    if (isDeepStrictEqual(a, b)) return [];
    if (prefix === '' && isRecord(a) && isRecord(b)) return differingFields(a, b, `${field}.`);
    return [`${prefix}${field}`];
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The profile port over a Map, with the DynamoDB adapter's conditional-write rule. */
class MapProfileStore implements ProfileStore {
  readonly items = new Map<string, StoredProfile>();

  async load(storeId: string, key: IdentityKey): Promise<StoredProfile | undefined> {
    const stored = this.items.get(`${storeId}#${key}`);
    return stored && structuredClone(stored);
  }

  async save(profile: Profile, expectedVersion: number | undefined): Promise<SaveResult> {
    const id = `${profile.storeId}#${profile.key}`;
    if (this.items.get(id)?.version !== expectedVersion) return 'conflict';
    this.items.set(id, { profile: structuredClone(profile), version: (expectedVersion ?? 0) + 1 });
    return 'saved';
  }
}
