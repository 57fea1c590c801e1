/**
 * Money from a source payload (Segment sends JSON numbers, Shopify decimal strings) to exact
 * canonical Money written with the currency's minor digits ("199.0" → "199.00"), or a problem
 * naming the field. Shared by the adapters so both produce the same form.
 */
import { decimalFromNumber, fromMinorUnits, toMinorUnits } from '#events/money.ts';
import { currencySchema, type Money } from '#events/schemas.ts';

export function moneyOf(
  value: number | string,
  currency: string,
  path: string,
  problems: string[],
): Money | undefined {
  try {
    const amount = typeof value === 'number' ? decimalFromNumber(value) : value;
    return { amount: fromMinorUnits(toMinorUnits(amount, currency), currency), currency };
  } catch (error) {
    // toMinorUnits says what is wrong: "19.999 has more than 2 decimal places for USD".
    problems.push(`${path}: ${(error as Error).message}`);
    return undefined;
  }
}

export function parseCurrency(value: string, path: string, problems: string[]): string | undefined {
  const parsed = currencySchema.safeParse(value);
  if (parsed.success) return parsed.data;
  problems.push(`${path}: ${JSON.stringify(value)} is not an ISO 4217 currency code`);
  return undefined;
}
