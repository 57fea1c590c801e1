import { type CanonicalEvent, canonicalEventSchema } from '#events/schemas.ts';

type Draft = Omit<CanonicalEvent, 'storeId' | 'origin' | 'version'> & { storeId?: string };

/** Builds a canonical event through the real schema, so tests never hold an event the API would reject. */
export function canonical(draft: Record<string, unknown> & Pick<Draft, 'id' | 'type'>): CanonicalEvent {
  return canonicalEventSchema.parse({ storeId: 'demo', origin: 'api', version: 1, ...draft });
}

export const usd = (amount: string) => ({ amount, currency: 'USD' });
