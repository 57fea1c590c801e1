import { toMinorUnits } from '#events/money.ts';

/** How a store writes money and dates; filters read it from the message being rendered. */
export interface FormatSettings {
  locale: string;
  timeZone: string;
}

export const DEFAULT_FORMAT: FormatSettings = { locale: 'en-US', timeZone: 'UTC' };

const DATE_STYLES = ['full', 'long', 'medium', 'short'] as const;
type DateStyle = (typeof DATE_STYLES)[number];

/**
 * "27.5" USD → "$27.50", "1200" JPY → "¥1,200", "27.50" EUR in de-DE → "27,50 €".
 * Intl formats the decimal string itself (no float on the way); `toMinorUnits` first refuses amounts
 * with more digits than the currency has, which Intl would silently round.
 */
export function formatMoney(value: unknown, settings: FormatSettings): string {
  if (!isMoney(value)) throw new TypeError(`money expects { amount, currency }, got ${describe(value)}`);
  toMinorUnits(value.amount, value.currency);
  return cached(
    `${settings.locale}|${value.currency}`,
    moneyFormats,
    () => new Intl.NumberFormat(settings.locale, { style: 'currency', currency: value.currency }),
  ).format(value.amount as Intl.StringNumericLiteral);
}

/** An ISO timestamp as a calendar date in the store's time zone, e.g. "June 1, 2026". */
export function formatDate(value: unknown, settings: FormatSettings, style: unknown = 'long'): string {
  if (!isDateStyle(style)) throw new TypeError(`date style must be one of ${DATE_STYLES.join(', ')}`);
  const date = typeof value === 'string' ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new TypeError(`date expects an ISO timestamp, got ${describe(value)}`);
  }
  return cached(
    `${settings.locale}|${settings.timeZone}|${style}`,
    dateFormats,
    () => new Intl.DateTimeFormat(settings.locale, { dateStyle: style, timeZone: settings.timeZone }),
  ).format(date);
}

// Building an Intl formatter costs more than formatting with it; a container sees few stores' settings.
const moneyFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function cached<T>(key: string, cache: Map<string, T>, create: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = create();
    if (cache.size >= 100) cache.clear();
    cache.set(key, value);
  }
  return value;
}

function isMoney(value: unknown): value is { amount: string; currency: string } {
  if (typeof value !== 'object' || value === null) return false;
  const { amount, currency } = value as Record<string, unknown>;
  return typeof amount === 'string' && typeof currency === 'string';
}

function isDateStyle(value: unknown): value is DateStyle {
  return (DATE_STYLES as readonly unknown[]).includes(value);
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}
