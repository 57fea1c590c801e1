/**
 * The fields this adapter reads from Shopify's REST webhook payloads (customers, checkouts, orders).
 * Objects are loose: Shopify adds fields over API versions, and an unknown one must not make a
 * webhook invalid. `null` counts as absent, since Shopify writes `null` for every empty field.
 */
import * as z from 'zod';
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

const flag = z.boolean().nullish();

export const shopifyCustomerSchema = z.looseObject({
  id: shopifyId,
  email: text,
  first_name: text,
  last_name: text,
  phone: text,
  locale: text,
  email_marketing_consent: shopifyConsentSchema.nullish(),
  sms_marketing_consent: shopifyConsentSchema.nullish(),
  /** Before API version 2022-04: a bare flag with its date and opt-in level instead of the consent object. */
  accepts_marketing: flag,
  accepts_marketing_updated_at: text,
  marketing_opt_in_level: text,
  created_at: text,
  updated_at: text,
});
export type ShopifyCustomer = z.infer<typeof shopifyCustomerSchema>;

/** The customer embedded in a checkout or order: who it is, and the consent it carries. */
const embeddedCustomerSchema = z.looseObject({
  id: shopifyId.nullish(),
  email: text,
  email_marketing_consent: shopifyConsentSchema.nullish(),
  accepts_marketing: flag,
  accepts_marketing_updated_at: text,
  marketing_opt_in_level: text,
});
export type ShopifyEmbeddedCustomer = z.infer<typeof embeddedCustomerSchema>;

export const shopifyLineItemSchema = z.looseObject({
  /** Null for custom items (a gift-wrap fee, a tip) that are no catalogue product. */
  product_id: shopifyId.nullish(),
  variant_id: shopifyId.nullish(),
  sku: text,
  title: text,
  variant_title: text,
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
  /** Shopify's link that restores this checkout: the natural call to action of a cart reminder. */
  abandoned_checkout_url: text,
  /** The marketing checkbox at checkout. */
  buyer_accepts_marketing: flag,
  completed_at: text,
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
  cancelled_at: text,
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
  /** A test order (Shopify's bogus gateway, a development store). */
  test: flag,
  /** pending · authorized · partially_paid · paid · partially_refunded · refunded · voided */
  financial_status: text,
  /** When the order was placed (imported orders keep their original time here). */
  processed_at: text,
  buyer_accepts_marketing: flag,
});
export type ShopifyOrder = z.infer<typeof shopifyOrderSchema>;

const refundTransactionSchema = z.looseObject({
  amount: shopifyAmount,
  kind: text,
  status: text,
  currency: text,
});

/** refunds/create: names only its order, with the money returned as transactions. */
export const shopifyRefundSchema = z.looseObject({
  id: shopifyId,
  order_id: shopifyId,
  created_at: text,
  processed_at: text,
  transactions: z.array(refundTransactionSchema).nullish(),
  refund_line_items: z
    .array(
      z.looseObject({
        subtotal_set: z
          .looseObject({ shop_money: z.looseObject({ currency_code: text }).nullish() })
          .nullish(),
      }),
    )
    .nullish(),
});
export type ShopifyRefund = z.infer<typeof shopifyRefundSchema>;
