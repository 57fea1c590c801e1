import type { RunStopper } from '#journeys/step/ports.ts';
import type { CustomerRef } from '#messaging/domain/ports.ts';
import { type IdentityKey, normalizeEmail } from '#profiles/domain/identity.ts';
import type { Profile } from '#profiles/domain/profile.ts';
import type { Tombstone, TombstoneHasher } from './tombstone.ts';

/** One person to erase from one store, named by any of their identities. */
export interface ErasureRequest {
  storeId: string;
  key: IdentityKey;
  at: Date;
}

/** An item of a customer's partition, with what it leads to outside it. */
export interface CustomerRecord {
  sk: string;
  /** A running journey's goal names its execution, to stop. */
  executionArn?: string;
  /** A sent mail is indexed by its SES message id. */
  messageId?: string;
  /** An entry names its journey and subject, whose newest trigger is kept per subject. */
  journey?: string;
  subjectKey?: string;
}

/** Profile items read and deleted one identity at a time, without following aliases. */
export interface ErasableProfiles {
  load(storeId: string, key: IdentityKey): Promise<Profile | undefined>;
  delete(storeId: string, key: IdentityKey): Promise<void>;
}

/** The Messages table's records of a customer: their partition and the few items kept beside it. */
export interface ErasableRecords {
  list(customer: CustomerRef): Promise<CustomerRecord[]>;
  delete(customer: CustomerRef, sortKeys: readonly string[]): Promise<void>;
  deleteSesMessage(messageId: string): Promise<void>;
  deleteSuppression(storeId: string, email: string): Promise<void>;
  deleteLatestTrigger(storeId: string, journey: string, subjectKey: string): Promise<void>;
}

export interface TombstoneStore {
  put(storeId: string, tombstones: readonly Tombstone[]): Promise<void>;
  find(storeId: string, hashes: readonly string[]): Promise<Tombstone[]>;
}

export interface ErasureDependencies {
  profiles: ErasableProfiles;
  records: ErasableRecords;
  tombstones: TombstoneStore;
  stopper: RunStopper;
  hash: TombstoneHasher;
}

/** What an erasure did, in counts only: it is printed and logged. */
export interface ErasureReport {
  identities: number;
  profiles: number;
  records: number;
  runsStopped: number;
}

/** An erasure reaching further than this is a broken alias graph, not a person. */
const MAX_IDENTITIES = 500;
export const ERASED_CAUSE = 'customer erased';

/**
 * Erases a person: every identity their profiles link (customer id, e-mail, devices, orders), each
 * identity's profile item and Messages partition, what those lead to (SES message index, newest
 * triggers, suppressions), and their running journeys; a keyed hash per identity stays behind.
 *
 * Safe to run again after a crash at any point: tombstones are written first (so events arriving
 * meanwhile are dropped), runs are stopped before their records go (so no step writes new ones),
 * and profile items go last (so a second run still finds every identity).
 */
export async function eraseCustomer(
  deps: ErasureDependencies,
  request: ErasureRequest,
): Promise<ErasureReport> {
  const { storeId } = request;
  const { identities, emails, profileKeys } = await linkedIdentities(deps.profiles, storeId, request.key);
  const erasedAt = request.at.toISOString();
  await deps.tombstones.put(
    storeId,
    identities.map((key) => ({ hash: deps.hash(key), erasedAt })),
  );

  const partitions = await Promise.all(
    identities.map(async (customerKey) => {
      const customer = { storeId, customerKey };
      return { customer, records: await deps.records.list(customer) };
    }),
  );
  const runs = new Set(
    partitions.flatMap(({ records }) => records.flatMap((record) => record.executionArn ?? [])),
  );
  let runsStopped = 0;
  for (const executionArn of runs) {
    if ((await deps.stopper.stop(executionArn, ERASED_CAUSE)) === 'stopped') runsStopped += 1;
  }

  let records = 0;
  for (const { customer, records: items } of partitions) {
    for (const item of items) {
      if (item.messageId !== undefined) await deps.records.deleteSesMessage(item.messageId);
      if (item.sk.startsWith('ENTRY#') && item.journey !== undefined && item.subjectKey !== undefined) {
        await deps.records.deleteLatestTrigger(storeId, item.journey, item.subjectKey);
      }
    }
    await deps.records.delete(
      customer,
      items.map((item) => item.sk),
    );
    records += items.length;
  }
  for (const email of emails) await deps.records.deleteSuppression(storeId, email);
  for (const key of profileKeys) await deps.profiles.delete(storeId, key);
  return { identities: identities.length, profiles: profileKeys.length, records, runsStopped };
}

/**
 * Every identity linked to `start`: the profile it leads to, the profiles folded into that one or
 * pointing at it, and each one's customer id, e-mail, anonymous ids and orders.
 */
async function linkedIdentities(
  profiles: ErasableProfiles,
  storeId: string,
  start: IdentityKey,
): Promise<{ identities: IdentityKey[]; emails: string[]; profileKeys: IdentityKey[] }> {
  const seen = new Set<IdentityKey>([start]);
  const emails = new Set<string>();
  const profileKeys: IdentityKey[] = [];
  const queue: IdentityKey[] = [start];
  while (queue.length > 0) {
    const key = queue.shift() as IdentityKey;
    if (key.startsWith('email:')) emails.add(key.slice('email:'.length));
    const profile = await profiles.load(storeId, key);
    if (profile === undefined) continue;
    profileKeys.push(key);
    for (const linked of identitiesIn(profile)) {
      if (seen.has(linked)) continue;
      if (seen.size >= MAX_IDENTITIES) {
        throw new Error(`identities linked to the customer exceed ${MAX_IDENTITIES}; nothing was erased`);
      }
      seen.add(linked);
      queue.push(linked);
    }
  }
  return { identities: [...seen], emails: [...emails], profileKeys };
}

function identitiesIn(profile: Profile): IdentityKey[] {
  return [
    profile.key,
    ...(profile.mergedInto === undefined ? [] : [profile.mergedInto]),
    ...profile.mergedKeys,
    ...profile.aliasKeys,
    ...(profile.customerId === undefined ? [] : [`customer:${profile.customerId}` as const]),
    ...(profile.email === undefined ? [] : [`email:${normalizeEmail(profile.email)}` as const]),
    ...profile.anonymousIds.map((id) => `anonymous:${id}` as const),
    ...Object.keys(profile.orders).map((orderId) => `order:${orderId}` as const),
  ];
}
