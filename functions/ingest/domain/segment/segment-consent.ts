/**
 * E-mail marketing consent from a Segment message. Two documented sources, both optional:
 *
 * 1. Segment Consent Management: `context.consent.categoryPreferences` ({ "Marketing": true, … }) on
 *    any call. The store names which of its consent categories mean e-mail marketing
 *    (`StoreRecord.segmentEmailConsentCategories`, default "Marketing", "Email" and "Email Marketing",
 *    compared ignoring case, spaces, `_` and `-`): true grants, false withdraws.
 * 2. Traits (identify `traits`, or `context.traits` on any call):
 *    - `email_marketing_consent`: Shopify's object `{ state, opt_in_level, consent_updated_at }`, a
 *      state string ("subscribed", "unsubscribed") or a boolean;
 *    - `unsubscribed: true` (the trait ESPs such as Customer.io use) withdraws. `unsubscribed: false`
 *      is not a grant: it is what a sender writes for anyone never asked.
 *
 * Each record's time is the consent's own date when one is given, else the message's time.
 */
import { type Consent, timestampSchema } from '#events/schemas.ts';
import type { SegmentMessage } from './segment-message-schema.ts';

export const DEFAULT_EMAIL_CONSENT_CATEGORIES = ['Marketing', 'Email', 'Email Marketing'] as const;

const normalise = (name: string) => name.toLowerCase().replace(/[\s_-]+/g, '');

export function segmentConsentOf(
  message: SegmentMessage,
  occurredAt: string,
  emailCategories: readonly string[] = DEFAULT_EMAIL_CONSENT_CATEGORIES,
): Consent[] {
  const fromTraits = traitConsent(message, occurredAt);
  const fromPreferences = preferenceConsent(message, occurredAt, emailCategories);
  // A withdrawal wins over a grant sent in the same message.
  const all = [...fromTraits, ...fromPreferences];
  const revoked = all.find((consent) => consent.status === 'revoked');
  return revoked !== undefined ? [revoked] : all.slice(0, 1);
}

function preferenceConsent(
  message: SegmentMessage,
  at: string,
  emailCategories: readonly string[],
): Consent[] {
  const consent = (message.context as { consent?: unknown } | null | undefined)?.consent;
  const preferences = (consent as { categoryPreferences?: unknown } | undefined)?.categoryPreferences;
  if (typeof preferences !== 'object' || preferences === null) return [];
  const wanted = new Set(emailCategories.map(normalise));
  const decisions = Object.entries(preferences)
    .filter(([category, value]) => wanted.has(normalise(category)) && typeof value === 'boolean')
    .map(([, value]) => value as boolean);
  if (decisions.length === 0) return [];
  const status = decisions.every(Boolean) ? 'granted' : 'revoked';
  return [record(status, 'segment:consent-preferences', at)];
}

function traitConsent(message: SegmentMessage, at: string): Consent[] {
  const traits = { ...(message.context?.traits ?? {}), ...(message.traits ?? {}) };
  const given = traits.email_marketing_consent;
  if (given !== undefined && given !== null) {
    const parsed = consentTrait(given, at);
    if (parsed !== undefined) return [parsed];
  }
  return traits.unsubscribed === true ? [record('revoked', 'segment:unsubscribed-trait', at)] : [];
}

function consentTrait(value: unknown, at: string): Consent | undefined {
  if (typeof value === 'boolean')
    return record(value ? 'granted' : 'revoked', 'segment:email_marketing_consent', at);
  const object = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  const state = typeof value === 'string' ? value : object?.state;
  if (typeof state !== 'string') return undefined;
  const status =
    state.toLowerCase() === 'subscribed'
      ? 'granted'
      : state.toLowerCase() === 'unsubscribed'
        ? 'revoked'
        : undefined;
  if (status === undefined) return undefined;
  const dated = timestampSchema.safeParse(object?.consent_updated_at);
  const level = typeof object?.opt_in_level === 'string' ? object.opt_in_level : state.toLowerCase();
  return record(status, `segment:${level}`, dated.success ? new Date(dated.data).toISOString() : at);
}

function record(status: Consent['status'], source: string, recordedAt: string): Consent {
  return { channel: 'email', purpose: 'marketing', status, source, recordedAt };
}
