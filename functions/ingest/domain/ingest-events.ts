import type * as z from 'zod';
import { type CanonicalEvent, canonicalEventSchema } from '#events/schemas.ts';
import type { MappingResult } from './mapping-result.ts';
import type { EventPublisher } from './ports.ts';

/** EventBridge bills in 64 KB chunks and caps an entry at 256 KB; one canonical event stays within one chunk. */
export const MAX_EVENT_BYTES = 64 * 1024;

export type Origin = CanonicalEvent['origin'];

/** An adapter's result, or an event in our own schema that only the canonical schema has to check. */
export type IngestItem = MappingResult | { kind: 'unchecked'; event: unknown };

export interface RejectedItem {
  index: number;
  id?: string;
  problems: string[];
}

export interface IngestResult {
  accepted: number;
  ignored: { index: number; reason: string }[];
  rejected: RejectedItem[];
  /** Events the bus refused after retries; the edge answers 503 so the client retries the request. */
  unpublished: number;
}

/**
 * Stamps the authenticated store and origin on what the adapters produced, validates every event
 * against the one canonical schema, and publishes the valid ones. Invalid items never block valid ones.
 */
export async function ingestEvents(
  publisher: EventPublisher,
  context: { storeId: string; origin: Origin },
  items: IngestItem[],
): Promise<IngestResult> {
  const valid: CanonicalEvent[] = [];
  const result: IngestResult = { accepted: 0, ignored: [], rejected: [], unpublished: 0 };
  items.forEach((item, index) => {
    switch (item.kind) {
      case 'ignored':
        result.ignored.push({ index, reason: item.reason });
        return;
      case 'invalid':
        result.rejected.push({ index, problems: item.problems });
        return;
      case 'unchecked':
      case 'mapped': {
        const problems: string[] = [];
        const events: CanonicalEvent[] = [];
        for (const candidate of item.kind === 'mapped' ? item.events : [item.event]) {
          const checked = stampAndValidate(candidate, context);
          if (checked.ok) events.push(checked.event);
          else problems.push(...checked.problems);
        }
        if (problems.length > 0) result.rejected.push({ index, ...idOf(item), problems });
        else valid.push(...events);
      }
    }
  });
  if (valid.length > 0) {
    const { unpublished } = await publisher.publish(valid);
    result.unpublished = unpublished.length;
    result.accepted = valid.length - unpublished.length;
  }
  return result;
}

function idOf(item: IngestItem): { id?: string } {
  const candidate =
    item.kind === 'mapped' ? item.events[0] : item.kind === 'unchecked' ? item.event : undefined;
  const id = (candidate as { id?: unknown } | undefined)?.id;
  return typeof id === 'string' ? { id } : {};
}

type Checked = { ok: true; event: CanonicalEvent } | { ok: false; problems: string[] };

function stampAndValidate(candidate: unknown, context: { storeId: string; origin: Origin }): Checked {
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    return { ok: false, problems: ['event must be a JSON object'] };
  }
  const claimed = (candidate as { storeId?: unknown }).storeId;
  if (claimed !== undefined && claimed !== context.storeId) {
    return { ok: false, problems: ['storeId: does not match the store of the credentials'] };
  }
  const parsed = canonicalEventSchema.safeParse({ ...withOrderIdentity(candidate), ...context });
  if (!parsed.success) return { ok: false, problems: describeIssues(parsed.error) };
  const bytes = Buffer.byteLength(JSON.stringify(parsed.data));
  if (bytes > MAX_EVENT_BYTES) {
    return { ok: false, problems: [`event is ${bytes} bytes; at most ${MAX_EVENT_BYTES} are accepted`] };
  }
  return { ok: true, event: parsed.data };
}

/**
 * Every order event names its order as identity too (`identity.orderId`), whatever its source, so
 * the order's key leads to the buyer's profile and a later event that knows only the order (a
 * refund, a shipment) still finds the person. A placed order must still say who placed it.
 */
function withOrderIdentity(candidate: object): object {
  const { type, data, identity } = candidate as { type?: unknown; data?: unknown; identity?: unknown };
  const orderId = (data as { orderId?: unknown } | undefined)?.orderId;
  if (typeof type !== 'string' || !type.startsWith('order.') || typeof orderId !== 'string') return candidate;
  if (typeof identity !== 'object' || identity === null) {
    return type === 'order.placed' ? candidate : { ...candidate, identity: { orderId } };
  }
  const named = Object.values(identity).some((value) => value !== undefined);
  if (!named && type === 'order.placed') return candidate;
  return { ...candidate, identity: { orderId, ...identity } };
}

/** `data.lines[0].quantity: Too small: expected number to be >0` — the path first, so clients can find it. */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path
      .map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))
      .join('');
    return `${path.replace(/^\./, '') || '(event)'}: ${issue.message}`;
  });
}
