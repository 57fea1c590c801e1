import * as z from 'zod/mini';
import { isCurrencyCode, toMinorUnits } from '#events/money.ts';

/**
 * What a template can show. The data arrives from journey executions as plain JSON, so it is checked
 * at render time: a bad URL or an inexact amount is reported with its path instead of reaching a
 * customer's inbox. `zod/mini` rather than `zod`: the same checks at a few kilobytes instead of
 * hundreds in the Lambda bundle.
 */

const text = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(2048));
/** Only web links: escaping keeps markup out of attributes, but not a `javascript:` URL. */
const webUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).check(z.maxLength(2048));
const timestamp = z.iso.datetime({ offset: true, error: 'must be an ISO timestamp' });

const moneySchema = z
  .object({
    amount: z.string().check(z.regex(/^-?\d+(\.\d+)?$/, 'must be a decimal string such as "27.50"')),
    currency: z
      .string()
      .check(z.toUpperCase(), z.refine(isCurrencyCode, 'must be an ISO 4217 currency code')),
  })
  .check(
    z.superRefine((money, ctx) => {
      try {
        toMinorUnits(money.amount, money.currency);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message: (error as Error).message,
          path: ['amount'],
          input: money.amount,
        });
      }
    }),
  );

const productSchema = z.object({
  /** Absent for order lines that are no catalogue product (a fee, a gift card, a service). */
  productId: z.optional(text),
  name: text,
  url: z.optional(webUrl),
  imageUrl: z.optional(webUrl),
  price: z.optional(moneySchema),
  quantity: z.optional(z.int('must be a whole number').check(z.positive(), z.maximum(100_000))),
});

const locale = z.string().check(z.refine(isLocale, 'must be a BCP 47 locale such as "en-US"'));
const timeZone = z.string().check(z.refine(isTimeZone, 'must be an IANA time zone such as "Asia/Tokyo"'));

export const templateDataSchema = z.object({
  kind: z.enum(['marketing', 'transactional']),
  store: z.object({
    name: text,
    /** The sender shown in the footer (特定電子メール法 and CAN-SPAM ask for it), e.g. "Maya at Juniper & Oak". */
    senderName: text,
    postalAddress: text,
    url: webUrl,
    /** Formats money and dates; copy stays English. @default 'en-US' */
    locale: z.optional(locale),
    /** Dates such as a discount's expiry are shown in the store's zone. @default 'UTC' */
    timeZone: z.optional(timeZone),
  }),
  customer: z.object({
    email: text,
    /** Blank names are dropped so templates fall back to a neutral greeting. */
    firstName: z.optional(
      z.pipe(
        z.string().check(z.trim(), z.maxLength(256)),
        z.transform((value) => (value === '' ? undefined : value)),
      ),
    ),
  }),
  /** Required for marketing mail; the renderer refuses to render marketing mail without it. */
  unsubscribeUrl: z.optional(webUrl),
  cart: z.optional(
    z.object({
      lines: z.array(productSchema).check(z.maxLength(500)),
      total: z.optional(moneySchema),
      checkoutUrl: webUrl,
    }),
  ),
  order: z.optional(
    z.object({
      orderId: text,
      lines: z.array(productSchema).check(z.maxLength(500)),
      total: moneySchema,
      placedAt: timestamp,
    }),
  ),
  /** Viewed items (most recent first), picks, cross-sells or reorder items, depending on the template. */
  products: z.optional(z.array(productSchema).check(z.maxLength(50))),
  /** Suggestions shown beside `products`, e.g. browse abandonment's related pick. */
  related: z.optional(z.array(productSchema).check(z.maxLength(50))),
  discount: z.optional(
    z.object({
      code: text,
      percentOff: z.number().check(z.positive(), z.maximum(100)),
      expiresAt: timestamp,
    }),
  ),
});

export type TemplateData = z.input<typeof templateDataSchema>;
export type ValidTemplateData = z.output<typeof templateDataSchema>;
export type TemplateProduct = z.input<typeof productSchema>;
export type Money = z.input<typeof moneySchema>;

function isLocale(value: string): boolean {
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
}

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}
