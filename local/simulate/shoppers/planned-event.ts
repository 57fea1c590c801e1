import type { UnstampedEvent } from '#events/schemas.ts';

/** A canonical event as `POST /v1/events` takes it: ingest stamps the store and origin. */
export type SimulatedEvent = UnstampedEvent;

export interface PlannedEvent {
  /** Virtual time (epoch ms) the storefront sends it; equal to `Date.parse(event.occurredAt)`. */
  at: number;
  customerId: string;
  /** Per customer, in the order the shopper model planned its events. */
  sequence: number;
  event: SimulatedEvent;
}
