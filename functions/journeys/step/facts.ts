/**
 * Facts of a run that no event or profile field holds as such, worked out the same way at every
 * step: the cart a cart event is about, when the trigger order's replenishable products run out and
 * whether they were reordered since, and the customer's mail history per journey. Conditions read
 * them as `facts.…` and `messages.…`.
 */
import type { CanonicalEvent } from '#events/schemas.ts';
import type { DecisionRecord } from '#messaging/domain/decision-record.ts';
import type { Profile } from '#profiles/domain/profile.ts';
import { type CatalogConfig, reorderIntervalDays } from '../config/catalog-config.ts';
import { cartIdOf } from './subject.ts';

const DAY_MS = 86_400_000;

export interface RunFacts {
  cartId?: string;
  /** When the first replenishable product of the trigger order runs out. */
  reorderDueAt?: string;
  /** Whether one of those products was ordered again since. */
  reordered?: boolean;
}

export function factsOf(
  trigger: CanonicalEvent,
  profile: Profile | undefined,
  catalog: CatalogConfig,
): RunFacts {
  const cartId = cartIdOf(trigger);
  const lines = replenishableLines(trigger, catalog);
  if (lines.length === 0) return { ...(cartId !== undefined && { cartId }) };
  const since = new Date(trigger.occurredAt).toISOString();
  const shortest = Math.min(...lines.map((line) => line.intervalDays));
  const products = new Set(lines.map((line) => line.productId));
  const reordered = Object.values(profile?.orders ?? {}).some(
    (order) =>
      order.placedAt !== undefined &&
      order.placedAt > since &&
      order.cancelledAt === undefined &&
      (order.lines ?? []).some((line) => line.productId !== undefined && products.has(line.productId)),
  );
  return {
    ...(cartId !== undefined && { cartId }),
    reorderDueAt: new Date(Date.parse(trigger.occurredAt) + shortest * DAY_MS).toISOString(),
    reordered,
  };
}

/** Per journey: mails sent and the last one's time, from the customer's recent decisions. */
export function messageHistory(
  decisions: readonly DecisionRecord[],
): Record<string, { sent: number; lastSentAt?: string }> {
  const history: Record<string, { sent: number; lastSentAt?: string }> = {};
  for (const decision of decisions) {
    if (decision.outcome !== 'sent') continue;
    const entry = history[decision.journey] ?? { sent: 0 };
    entry.sent += 1;
    if (entry.lastSentAt === undefined || decision.at > entry.lastSentAt) entry.lastSentAt = decision.at;
    history[decision.journey] = entry;
  }
  return history;
}

export interface ReplenishableLine {
  productId: string;
  category?: string;
  name?: string;
  intervalDays: number;
}

/** The trigger order's lines that have a reorder interval in the catalog. */
export function replenishableLines(trigger: CanonicalEvent, catalog: CatalogConfig): ReplenishableLine[] {
  if (trigger.type !== 'order.placed') return [];
  return trigger.data.lines.flatMap((line) => {
    // Lines that are no catalogue product (a fee, a gift card) are never replenished.
    if (line.productId === undefined) return [];
    const intervalDays = reorderIntervalDays(catalog, { ...line, productId: line.productId });
    if (intervalDays === undefined) return [];
    return [
      {
        productId: line.productId,
        intervalDays,
        ...(line.category && { category: line.category }),
        ...(line.name && { name: line.name }),
      },
    ];
  });
}
