import * as z from 'zod';
import { normalizeEmail } from '#profiles/domain/identity.ts';
import { shopifyId } from './shopify-payload-schema.ts';

/** Shopify's mandatory compliance topic asking a shop's apps to erase one customer. */
export const CUSTOMERS_REDACT_TOPIC = 'customers/redact';

/** `customers/redact`: the customer (an id, an e-mail, or both) and their orders. */
const customersRedactSchema = z.looseObject({
  customer: z.looseObject({
    id: shopifyId.nullish(),
    email: z.string().trim().nullish(),
  }),
});

export type RedactionKeys =
  | { valid: true; keys: Array<`customer:${string}` | `email:${string}`> }
  | { valid: false; problems: string[] };

/**
 * The identity keys a `customers/redact` names: the customer id and the e-mail address (Shopify may
 * send only the address). Erasing by each finds the same person when both are known, and each alone
 * when only one is.
 */
export function redactionKeysOf(payload: unknown): RedactionKeys {
  const parsed = customersRedactSchema.safeParse(payload);
  if (!parsed.success) {
    return {
      valid: false,
      problems: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    };
  }
  const { id, email } = parsed.data.customer;
  const keys = [
    ...(id ? [`customer:${id}` as const] : []),
    ...(email ? [`email:${normalizeEmail(email)}` as const] : []),
  ];
  if (keys.length === 0) return { valid: false, problems: ['customer: names neither an id nor an email'] };
  return { valid: true, keys };
}
