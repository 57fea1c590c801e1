/**
 * The parts of Segment's spec this adapter reads (common fields, identify traits, e-commerce v2
 * properties). Objects are loose: Segment messages carry many fields we have no use for, and an
 * unknown field must never make a message invalid. `null` counts as absent, because analytics.js
 * sends `"userId": null` for anonymous visitors.
 */
import * as z from 'zod';
import { lineSchema } from '#events/schemas.ts';

export const SEGMENT_CALL_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type SegmentCallType = (typeof SEGMENT_CALL_TYPES)[number];

/** Ids are strings in the spec; libraries also accept numbers, which Segment stores as their text. */
const segmentId = z
  .union([z.string(), z.number()], { error: 'must be a string or a whole number' })
  .refine(
    (id) => typeof id === 'string' || Number.isSafeInteger(id),
    'must be a string or a whole number below 2^53',
  )
  .transform((id) => String(id));

/** A userId or anonymousId; blank counts as absent, and the canonical contract caps ids at 128 characters. */
const identityId = segmentId.transform((value) => value.trim()).pipe(z.string().max(128));

const record = z.record(z.string(), z.unknown());

/** Free text that some senders send as a number (a numeric SKU or phone). */
const textOrNumber = z.union([z.string(), z.number().transform((value) => String(value))], {
  error: 'must be a string',
});

/** Amounts are Numbers in the spec; decimal strings are exact, so they are accepted too. */
const amountMessage = 'must be a number such as 27.5';
export const segmentAmount = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/, amountMessage)], {
  error: amountMessage,
});
export type SegmentAmount = z.infer<typeof segmentAmount>;

export const segmentMessageSchema = z.looseObject({
  type: z.enum(SEGMENT_CALL_TYPES),
  userId: identityId.nullish(),
  anonymousId: identityId.nullish(),
  messageId: z.string().trim().min(1).max(128).nullish(),
  timestamp: z.string().nullish(),
  sentAt: z.string().nullish(),
  context: z
    .looseObject({ traits: record.nullish(), locale: z.string().nullish(), timezone: z.string().nullish() })
    .nullish(),
  integrations: record.nullish(),
  properties: record.nullish(),
  traits: record.nullish(),
  event: z.string().nullish(),
  name: z.string().nullish(),
});
export type SegmentMessage = z.infer<typeof segmentMessageSchema>;

/** Profile fields in identify traits (Segment's reserved camelCase and the common snake_case). */
export const segmentTraitsSchema = z.looseObject({
  firstName: z.string().nullish(),
  first_name: z.string().nullish(),
  lastName: z.string().nullish(),
  last_name: z.string().nullish(),
  timezone: z.string().nullish(),
  timeZone: z.string().nullish(),
  locale: z.string().nullish(),
  phone: textOrNumber.nullish(),
});
export type SegmentTraits = z.infer<typeof segmentTraitsSchema>;

/** One product, as e-commerce v2 sends it at the top of `properties` or inside `products[]`. */
export const segmentProductSchema = z.looseObject({
  product_id: segmentId.nullish(),
  id: segmentId.nullish(),
  sku: textOrNumber.nullish(),
  name: z.string().nullish(),
  category: z.string().nullish(),
  price: segmentAmount.nullish(),
  quantity: lineSchema.shape.quantity.nullish(),
  url: z.string().nullish(),
  image_url: z.string().nullish(),
});
export type SegmentProduct = z.infer<typeof segmentProductSchema>;

/** The e-commerce v2 properties the mapped events read; each event uses a subset. */
export const segmentCommercePropertiesSchema = segmentProductSchema.extend({
  cart_id: segmentId.nullish(),
  checkout_id: segmentId.nullish(),
  order_id: segmentId.nullish(),
  currency: z.string().nullish(),
  value: segmentAmount.nullish(),
  revenue: segmentAmount.nullish(),
  total: segmentAmount.nullish(),
  discount: segmentAmount.nullish(),
  reason: z.string().nullish(),
  products: z.array(segmentProductSchema).nullish(),
});
export type SegmentCommerceProperties = z.infer<typeof segmentCommercePropertiesSchema>;
