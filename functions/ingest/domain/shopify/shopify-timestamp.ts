/**
 * Shopify writes ISO-8601 with the shop's offset ("2024-03-08T10:15:02-05:00") and the trigger
 * header with nanoseconds. Both become UTC with milliseconds, the form the Segment adapter emits,
 * so timestamps from any source sort and compare as plain strings.
 */
import * as z from 'zod';

const isoWithOffset = z.iso.datetime({ offset: true });

export function normaliseShopifyTimestamp(
  text: string,
  path: string,
  problems: string[],
): string | undefined {
  if (!isoWithOffset.safeParse(text).success) {
    problems.push(`${path}: ${JSON.stringify(text)} is not an ISO-8601 date and time with an offset`);
    return undefined;
  }
  return new Date(text).toISOString();
}
