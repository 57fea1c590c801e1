/**
 * A store's settings, shared by ingest (credentials) and messaging (sender, footer, time zone).
 * Kept in the Stores table under `STORE#<storeId>`.
 */
export interface StoreRecord {
  storeId: string;
  name: string;
  defaultCurrency: string;
  /** IANA time zone used for quiet hours when a customer's own is unknown. */
  timeZone: string;
  /**
   * Whether Shopify test orders (bogus gateway, development stores) count as orders: revenue, mails.
   * Off unless set, so a live store's tests never reach customers or the figures. @default false
   */
  acceptTestOrders?: boolean;
  /**
   * The store's Segment Consent Management categories that mean e-mail marketing
   * (`context.consent.categoryPreferences`). @default ['Marketing', 'Email', 'Email Marketing']
   */
  segmentEmailConsentCategories?: string[];
  /** Shopify signs webhooks with this; HMAC needs the secret itself, so it cannot be hashed. */
  shopifyWebhookSecret?: string;
  /** Mail sender: display name and address (an SES-verified identity in the cloud). */
  senderName?: string;
  senderEmail?: string;
  /** Shown in every mail's footer (Japan's 特定電子メール法, CAN-SPAM). */
  postalAddress?: string;
  /** Storefront base URL for links in mails. */
  storeUrl?: string;
  locale?: string;
  /** Signs one-click unsubscribe links; generated when the store is provisioned. */
  unsubscribeSigningKey?: string;
}
