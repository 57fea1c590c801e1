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
import type { ShopifyConsent } from './shopify-payload-schema.ts';
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
