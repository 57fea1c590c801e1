/**
 * What ingest does to an adapter's output: stamp the authenticated store and the origin, then
 * parse with the one canonical schema. Tests use it to prove mapped events are accepted downstream.
 */
import { type CanonicalEvent, canonicalEventSchema, type UnstampedEvent } from '#events/schemas.ts';
import type { MappingResult } from '#ingest/domain/mapping-result.ts';

export const TEST_STORE_ID = 'store-test-1';

export function stampAndParse(event: UnstampedEvent, origin: CanonicalEvent['origin']): CanonicalEvent {
  return canonicalEventSchema.parse({ ...event, storeId: TEST_STORE_ID, origin });
}

/** The events of a `mapped` result; fails the test with the result when it is anything else. */
export function mappedEvents(result: MappingResult): UnstampedEvent[] {
  if (result.kind !== 'mapped') throw new Error(`expected a mapped result, got ${JSON.stringify(result)}`);
  return result.events;
}

/** The single event of a `mapped` result. */
export function onlyEvent(result: MappingResult): UnstampedEvent {
  const events = mappedEvents(result);
  if (events.length !== 1 || events[0] === undefined)
    throw new Error(`expected one event, got ${events.length}`);
  return events[0];
}

/**
 * The first event of a `mapped` result, for sources that add the consent an order or checkout
 * carries as a `customer.updated` after it; fails when anything else follows.
 */
export function primaryEvent(result: MappingResult): UnstampedEvent {
  const [first, ...rest] = mappedEvents(result);
  if (first === undefined) throw new Error('expected at least one event');
  const other = rest.find((event) => event.type !== 'customer.updated' || event.id !== `${first.id}#consent`);
  if (other !== undefined)
    throw new Error(`expected only a consent event after the first, got ${other.type}`);
  return first;
}
