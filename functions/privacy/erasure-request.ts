import * as z from 'zod';

/**
 * What the erasure queue carries: one person of one store, by one identity key, and who asked. The
 * erasure function, Shopify's `customers/redact` and any other requester share this one message.
 */
export const erasureRequestSchema = z.object({
  storeId: z.string().min(1),
  key: z.string().regex(/^(customer|email|anonymous|order):.+/, 'an identity key such as email:<address>'),
  /** Where the request came from, for the log: `shopify`, `admin`, `cli`. */
  source: z.string().min(1),
  requestedAt: z.iso.datetime({ offset: true }),
});
export type ErasureRequestMessage = z.infer<typeof erasureRequestSchema>;
