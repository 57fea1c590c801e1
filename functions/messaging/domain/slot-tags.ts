/**
 * SES's own record of a mail names the slot it was sent for. The send path marks a slot sent after
 * SES accepted its mail; if that write fails (or the sender stops right there), the mail's SES events
 * still carry these tags, and the engagement function marks the slot sent from them — so a retry of
 * the step finds the mail sent instead of sending it again.
 *
 * SES tag values allow only `[A-Za-z0-9_-]` and 256 characters, so the slot travels as base64url
 * JSON, split over `slot`, `slot-2`, `slot-3`… when it is longer than one tag value.
 */
import * as z from 'zod';
import { parseMessageKey } from './message-key.ts';

/** Everything needed to record a sent mail without the send path: whose slot, and what went out. */
export interface TaggedSlot {
  storeId: string;
  /** The customer's partition, e.g. `customer:c-1`. */
  customerKey: string;
  /** `messageKey(...)` of the slot: journey, subject and step. */
  messageKey: string;
  /** The content variant (template) that went out. */
  variant: string;
}

export const SLOT_TAG = 'slot';
const MAX_TAG_VALUE_LENGTH = 256;
/** Enough for the longest slot the schemas allow (a 320-character e-mail in the key and the subject). */
export const MAX_SLOT_TAGS = 8;

/** Stored in SES's records; the version lets a later shape be told apart. */
const encodedSlotSchema = z.object({
  v: z.literal(1),
  storeId: z.string().min(1),
  customerKey: z.string().min(1),
  messageKey: z.string().min(1),
  variant: z.string().min(1),
});

const tagName = (index: number) => (index === 0 ? SLOT_TAG : `${SLOT_TAG}-${index + 1}`);

/** The tags naming `slot`; none when it would need more than `MAX_SLOT_TAGS` tags. */
export function slotTags(slot: TaggedSlot): Record<string, string> {
  const encoded = Buffer.from(JSON.stringify({ v: 1, ...slot }), 'utf8').toString('base64url');
  const count = Math.ceil(encoded.length / MAX_TAG_VALUE_LENGTH);
  if (count > MAX_SLOT_TAGS) return {};
  return Object.fromEntries(
    Array.from({ length: count }, (_, index) => [
      tagName(index),
      encoded.slice(index * MAX_TAG_VALUE_LENGTH, (index + 1) * MAX_TAG_VALUE_LENGTH),
    ]),
  );
}

/**
 * The slot the tags of an SES event record name (SES reports each tag as a list of values), or
 * undefined when they name none or are not ours to trust: missing, cut short, or malformed.
 */
export function slotFromTags(
  tags: Readonly<Record<string, readonly string[] | undefined>>,
): TaggedSlot | undefined {
  let encoded = '';
  for (let index = 0; index < MAX_SLOT_TAGS; index += 1) {
    const value = tags[tagName(index)]?.[0];
    if (value === undefined) break;
    encoded += value;
  }
  if (encoded === '' || !/^[A-Za-z0-9_-]+$/.test(encoded)) return undefined;
  try {
    const parsed = encodedSlotSchema.safeParse(
      JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')),
    );
    if (!parsed.success) return undefined;
    parseMessageKey(parsed.data.messageKey);
    const { v: _version, ...slot } = parsed.data;
    return slot;
  } catch {
    return undefined;
  }
}
