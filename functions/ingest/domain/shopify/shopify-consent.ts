/**
 * Shopify's marketing consent states to canonical consent records. Only facts become records:
 *  - subscribed → granted.
 *  - unsubscribed → revoked, always: the customer withdrew, and mail must stop even if another
 *    source once granted consent.
 *  - not_subscribed → revoked only when consent_updated_at dates a change. Without a date it is
 *    Shopify's default for a customer never asked, and recording a revocation would override a
 *    grant given elsewhere (our own signup form) with a non-event.
 *  - pending (double opt-in not yet confirmed), redacted, invalid and any future state → no
 *    record: none of them is a decision by the customer.
 */
import type { Consent } from '#events/schemas.ts';
import type { ShopifyConsent, ShopifyCustomer, ShopifyEmbeddedCustomer } from './shopify-payload-schema.ts';
import { normaliseShopifyTimestamp } from './shopify-timestamp.ts';

export function consentRecordsOf(
  consents: ReadonlyArray<
    readonly [channel: Consent['channel'], path: string, ShopifyConsent | null | undefined]
  >,
  updatedAt: string,
  problems: string[],
): Consent[] {
  return consents.flatMap(([channel, path, consent]): Consent[] => {
    if (consent == null) return [];
    const state = consent.state.toLowerCase();
    const dated = consent.consent_updated_at != null && consent.consent_updated_at !== '';
    const status =
      state === 'subscribed'
        ? 'granted'
        : state === 'unsubscribed' || (state === 'not_subscribed' && dated)
          ? 'revoked'
          : undefined;
    if (status === undefined) return [];
    const recordedAt = dated
      ? normaliseShopifyTimestamp(consent.consent_updated_at ?? '', `${path}.consent_updated_at`, problems)
      : updatedAt;
    if (recordedAt === undefined) return [];
    // A grant is described by how it was given (single or confirmed opt-in); a withdrawal by its state.
    const how = status === 'granted' ? (consent.opt_in_level ?? state) : state;
    return [{ channel, purpose: 'marketing', status, source: `shopify:${how}`, recordedAt }];
  });
}

/**
 * A customer's e-mail consent: the `email_marketing_consent` object (API 2022-04 on), else the
 * legacy `accepts_marketing` flag — true grants (described by `marketing_opt_in_level`), false
 * withdraws only when `accepts_marketing_updated_at` dates the change, like `not_subscribed`.
 * A customers/* webhook also reports SMS consent the same way. `prefix` is where the customer sits.
 */
export function customerConsentOf(
  customer: ShopifyCustomer | ShopifyEmbeddedCustomer,
  prefix: string,
  updatedAt: string,
  problems: string[],
): Consent[] {
  const sms =
    'sms_marketing_consent' in customer ? (customer.sms_marketing_consent as ShopifyConsent | null) : null;
  const smsRecords = consentRecordsOf([['sms', `${prefix}sms_marketing_consent`, sms]], updatedAt, problems);
  if (customer.email_marketing_consent != null) {
    return [
      ...consentRecordsOf(
        [['email', `${prefix}email_marketing_consent`, customer.email_marketing_consent]],
        updatedAt,
        problems,
      ),
      ...smsRecords,
    ];
  }
  if (customer.accepts_marketing == null) return smsRecords;
  const legacy: ShopifyConsent = {
    state: customer.accepts_marketing ? 'subscribed' : 'not_subscribed',
    opt_in_level: customer.marketing_opt_in_level ?? 'accepts_marketing',
    consent_updated_at: customer.accepts_marketing_updated_at ?? null,
  };
  return [
    ...consentRecordsOf([['email', `${prefix}accepts_marketing_updated_at`, legacy]], updatedAt, problems),
    ...smsRecords,
  ];
}

/**
 * The buyer's consent on an order or checkout: the embedded customer's consent when Shopify sends
 * it, else the marketing checkbox (`buyer_accepts_marketing`). A ticked box grants, recorded as
 * given at checkout; an unticked one is no decision (it is the default), so it records nothing.
 */
export function buyerConsentOf(
  payload: { customer?: ShopifyEmbeddedCustomer | null; buyer_accepts_marketing?: boolean | null },
  at: string,
  problems: string[],
): Consent[] {
  if (payload.customer != null) {
    const fromCustomer = customerConsentOf(payload.customer, 'customer.', at, problems);
    if (fromCustomer.some((consent) => consent.channel === 'email')) return fromCustomer;
  }
  if (payload.buyer_accepts_marketing !== true) return [];
  return [
    {
      channel: 'email',
      purpose: 'marketing',
      status: 'granted',
      source: 'shopify:checkout-checkbox',
      recordedAt: at,
    },
  ];
}
