import type { CanonicalEvent } from '#events/schemas.ts';
import type { Profile } from '#profiles/domain/profile.ts';

/**
 * No storefront event says "this customer went quiet", so the daily scan starts the journeys that
 * wait for it with a synthetic trigger: a `customer.updated` with no changes, whose id names the
 * customer and the day they fell dormant (a re-run of the scan claims the same trigger and starts
 * nothing new).
 */
export function dormancyTrigger(profile: Profile, dormantOn: string, now: Date): CanonicalEvent | undefined {
  const identity = {
    ...(profile.customerId && { customerId: profile.customerId }),
    ...(profile.email && { email: profile.email }),
  };
  if (identity.customerId === undefined && identity.email === undefined) return undefined;
  return {
    id: `dormant:${profile.key}:${dormantOn}`,
    type: 'customer.updated',
    version: 1,
    occurredAt: now.toISOString(),
    storeId: profile.storeId,
    origin: 'api',
    identity,
    data: { attributes: {}, consent: [] },
  };
}
