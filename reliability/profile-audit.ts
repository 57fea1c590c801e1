import type { IdentityKey } from '#profiles/domain/identity.ts';
import type { Profile } from '#profiles/domain/profile.ts';
import { decimalOf, minorFromDecimal, type PersonTruth } from './shop-story.ts';

/** As many alias hops as the profile writer follows. */
const MAX_ALIAS_HOPS = 4;
const LISTED_LOST = 5;

export interface ProfileAudit {
  people: number;
  /** Accepted events found applied to their person's profile. */
  eventsStored: number;
  /** Accepted events found in no profile of their person. */
  lost: number;
  /** Events applied to more than one profile. */
  appliedTwice: number;
  ordersExpected: number;
  ordersCounted: number;
  /** Orders counted beyond the truth, summed per person (one person's extra never hides another's loss). */
  ordersOver: number;
  ordersShort: number;
  /** People whose order count or revenue differs from the ground truth, with what differs. */
  mismatches: string[];
  /** A few lost events, with the profiles (pointers included) that did record them, if any. */
  lostExamples: string[];
  /** Revenue per currency, exact: what the story placed and what the profiles hold. */
  revenueExpected: Record<string, string>;
  revenueCounted: Record<string, string>;
}

/** The profile that holds the person's data: follows `mergedInto` pointers like the profile writer. */
export function resolve(profiles: ReadonlyMap<IdentityKey, Profile>, key: IdentityKey): Profile | undefined {
  let profile = profiles.get(key);
  for (let hop = 0; profile?.mergedInto !== undefined && hop < MAX_ALIAS_HOPS; hop += 1) {
    profile = profiles.get(profile.mergedInto);
  }
  return profile?.mergedInto === undefined ? profile : undefined;
}

/**
 * Checks every person's profile against the story's ground truth: each accepted event applied once,
 * the orders that count counted once, revenue exact to the minor unit in every currency.
 */
export function auditProfiles(
  profiles: ReadonlyMap<IdentityKey, Profile>,
  people: readonly PersonTruth[],
  acceptedIds: ReadonlySet<string>,
): ProfileAudit {
  const audit: ProfileAudit = {
    people: people.length,
    eventsStored: 0,
    lost: 0,
    appliedTwice: 0,
    ordersExpected: 0,
    ordersCounted: 0,
    ordersOver: 0,
    ordersShort: 0,
    mismatches: [],
    lostExamples: [],
    revenueExpected: {},
    revenueCounted: {},
  };
  const expectedMinor: Record<string, bigint> = {};
  const countedMinor: Record<string, bigint> = {};
  for (const person of people) {
    const profile = resolve(profiles, person.key);
    const applied = new Set(profile?.appliedEventIds ?? []);
    for (const id of person.eventIds) {
      if (!acceptedIds.has(id)) continue;
      if (applied.has(id)) {
        audit.eventsStored += 1;
        continue;
      }
      audit.lost += 1;
      if (audit.lostExamples.length < LISTED_LOST) {
        const holders = [...profiles.values()].filter((candidate) => candidate.appliedEventIds.includes(id));
        audit.lostExamples.push(
          `${id} of ${person.key}: ${holders.length === 0 ? 'in no profile' : `only in ${holders.map(describeHolder).join(', ')}`}`,
        );
      }
    }
    audit.ordersExpected += person.orderCount;
    const counted = profile?.orderSummary.count ?? 0;
    audit.ordersCounted += counted;
    audit.ordersOver += Math.max(0, counted - person.orderCount);
    audit.ordersShort += Math.max(0, person.orderCount - counted);
    const differences: string[] = [];
    if (counted !== person.orderCount) differences.push(`orders ${counted} (expected ${person.orderCount})`);
    const totalSpent = profile?.orderSummary.totalSpent ?? {};
    for (const currency of new Set([...Object.keys(person.revenueMinor), ...Object.keys(totalSpent)])) {
      const expected = person.revenueMinor[currency] ?? 0n;
      const amount = totalSpent[currency];
      const got = amount === undefined ? 0n : minorFromDecimal(amount, currency);
      expectedMinor[currency] = (expectedMinor[currency] ?? 0n) + expected;
      countedMinor[currency] = (countedMinor[currency] ?? 0n) + got;
      if (got !== expected) {
        differences.push(`${currency} ${amount ?? 'none'} (expected ${decimalOf(expected, currency)})`);
      }
    }
    if (differences.length > 0) audit.mismatches.push(`${person.key}: ${differences.join(', ')}`);
  }
  audit.appliedTwice = countAppliedTwice(profiles);
  for (const [currency, minor] of Object.entries(expectedMinor)) {
    audit.revenueExpected[currency] = decimalOf(minor, currency);
  }
  for (const [currency, minor] of Object.entries(countedMinor)) {
    audit.revenueCounted[currency] = decimalOf(minor, currency);
  }
  return audit;
}

/** An event id in two profiles that hold data (not pointers) was applied twice. */
function countAppliedTwice(profiles: ReadonlyMap<IdentityKey, Profile>): number {
  const seen = new Set<string>();
  let twice = 0;
  for (const profile of profiles.values()) {
    if (profile.mergedInto !== undefined) continue;
    for (const id of new Set(profile.appliedEventIds)) {
      if (seen.has(id)) twice += 1;
      else seen.add(id);
    }
  }
  return twice;
}

function describeHolder(profile: Profile): string {
  return profile.mergedInto === undefined
    ? profile.key
    : `${profile.key} (frozen, points to ${profile.mergedInto})`;
}
