/**
 * Exact money: amounts travel as decimal strings and are summed as integer minor units (bigint),
 * never as binary floats.
 */

const DECIMAL = /^-?\d+(\.\d+)?$/;

/** Minor-unit digits for a currency (USD 2, JPY 0, KWD 3), from the runtime's ISO 4217 data. */
export function minorDigits(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** ISO 4217 codes the runtime knows; `Intl.NumberFormat` alone would accept any three letters. */
const KNOWN_CURRENCIES = new Set(Intl.supportedValuesOf('currency'));

export function isCurrencyCode(value: string): boolean {
  return KNOWN_CURRENCIES.has(value);
}

/** Parses "27.5" in USD to 2750n; throws when the amount has more digits than the currency allows. */
export function toMinorUnits(amount: string, currency: string): bigint {
  if (!DECIMAL.test(amount)) throw new RangeError(`not a decimal amount: ${amount}`);
  const digits = minorDigits(currency);
  const negative = amount.startsWith('-');
  const [whole = '0', fraction = ''] = amount.replace('-', '').split('.');
  const significantFraction = fraction.replace(/0+$/, '');
  if (significantFraction.length > digits) {
    throw new RangeError(`${amount} has more than ${digits} decimal places for ${currency}`);
  }
  const minor = BigInt(whole + fraction.padEnd(digits, '0').slice(0, digits));
  return negative ? -minor : minor;
}

export function fromMinorUnits(minor: bigint, currency: string): string {
  const digits = minorDigits(currency);
  const negative = minor < 0n;
  const text = (negative ? -minor : minor).toString().padStart(digits + 1, '0');
  const whole = digits === 0 ? text : text.slice(0, -digits);
  const fraction = digits === 0 ? '' : `.${text.slice(-digits)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/**
 * Turns a number from a JSON payload (Segment sends `27.5`) into an exact decimal string.
 * `String()` gives the shortest text that round-trips, which is the literal the sender wrote.
 */
export function decimalFromNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite amount: ${value}`);
  const text = String(value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(20).replace(/\.?0+$/, '');
}

export function addAmounts(a: string, b: string, currency: string): string {
  return fromMinorUnits(toMinorUnits(a, currency) + toMinorUnits(b, currency), currency);
}
