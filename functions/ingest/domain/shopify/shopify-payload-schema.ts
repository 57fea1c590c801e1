/**
 * The fields this adapter reads from Shopify's REST webhook payloads (customers, checkouts, orders).
 * Objects are loose: Shopify adds fields over API versions, and an unknown one must not make a
 * webhook invalid. `null` counts as absent, since Shopify writes `null` for every empty field.
 */
import { z } from 'zod';
import { lineSchema } from '#events/schemas.ts';

/**
 * Ids arrive as digit strings from `parseShopifyJson`. A number is accepted only while it is still
 * exact; a bigger one has already lost its low digits, and storing it would merge two records.
 */
export const shopifyId = z
  .union([z.string().trim().min(1).max(128), z.number()], {
    error: 'must be an id (a string or whole number)',
  })
  .refine((id) => typeof id === 'string' || Number.isInteger(id), 'must be a whole number')
  .refine(
    (id) => typeof id === 'string' || Number.isSafeInteger(id),
    'is beyond 2^53 and has lost digits: parse the body with parseShopifyJson',
  )
  .transform((id) => String(id));

/** Shopify writes money as decimal strings ("199.00"); a number is tolerated and read exactly. */
const amountMessage = 'must be a decimal amount such as "199.00"';
export const shopifyAmount = z.union([z.string().regex(/^-?\d+(\.\d+)?$/, amountMessage), z.number()], {
  error: amountMessage,
});
export type ShopifyAmount = z.infer<typeof shopifyAmount>;

const text = z.string().nullish();

export const shopifyConsentSchema = z.looseObject({
  state: z.string(),
  opt_in_level: text,
  consent_updated_at: text,
});
export type ShopifyConsent = z.infer<typeof shopifyConsentSchema>;

export const shopifyCustomerSchema = z.looseObject({
  id: shopifyId,
  email: text,
  first_name: text,
  last_name: text,
  phone: text,
  locale: text,
  email_marketing_consent: shopifyConsentSchema.nullish(),
  sms_marketing_consent: shopifyConsentSchema.nullish(),
  created_at: text,
  updated_at: text,
});
export type ShopifyCustomer = z.infer<typeof shopifyCustomerSchema>;

/** The customer embedded in a checkout or order; only who it is matters there. */
const embeddedCustomerSchema = z.looseObject({ id: shopifyId.nullish(), email: text });

export const shopifyLineItemSchema = z.looseObject({
  /** Null for custom items (a gift-wrap fee, a tip) that are no catalogue product. */
  product_id: shopifyId.nullish(),
  variant_id: shopifyId.nullish(),
  sku: text,
  title: text,
  name: text,
  price: shopifyAmount,
  quantity: lineSchema.shape.quantity,
});
export type ShopifyLineItem = z.infer<typeof shopifyLineItemSchema>;

export const shopifyCheckoutSchema = z.looseObject({
  token: z.string().trim().min(1).max(128),
  cart_token: text,
  email: text,
  customer: embeddedCustomerSchema.nullish(),
  currency: text,
  presentment_currency: text,
  total_price: shopifyAmount,
  line_items: z.array(shopifyLineItemSchema),
  created_at: text,
  updated_at: text,
});
export type ShopifyCheckout = z.infer<typeof shopifyCheckoutSchema>;

/** What every order topic needs: which order, and whose. */
export const shopifyOrderRefSchema = z.looseObject({
  id: shopifyId,
  email: text,
  customer: embeddedCustomerSchema.nullish(),
  checkout_token: text,
  cancel_reason: text,
  created_at: text,
  updated_at: text,
});
export type ShopifyOrderRef = z.infer<typeof shopifyOrderRefSchema>;

export const shopifyOrderSchema = shopifyOrderRefSchema.extend({
  cart_token: text,
  currency: z.string(),
  total_price: shopifyAmount,
  total_discounts: shopifyAmount.nullish(),
  line_items: z.array(shopifyLineItemSchema),
});
export type ShopifyOrder = z.infer<typeof shopifyOrderSchema>;
