/**
 * Shopify signs every webhook: `X-Shopify-Hmac-Sha256` is the base64 HMAC-SHA256 of the raw body
 * bytes, keyed with the app's (or shop's) webhook secret. It must be checked over the bytes as
 * received: re-serialised JSON would differ (key order, spacing, big integers).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export function verifyShopifyHmac(
  rawBody: Buffer | string,
  signatureHeader: string | undefined,
  secret: string,
): boolean {
  // An empty secret would make every signature forgeable by anyone who guesses it is empty.
  if (signatureHeader === undefined || signatureHeader === '' || secret === '') return false;
  const received = Buffer.from(signatureHeader, 'base64');
  // Buffer's decoder skips characters outside the alphabet; only a header that re-encodes to
  // itself is the canonical base64 Shopify sends. This depends on the header alone, not the secret.
  const canonical = received.toString('base64') === signatureHeader;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  // Digesting both sides gives two 32-byte values whatever the header's length, so timingSafeEqual
  // never throws on a length mismatch and no length check leaks an early exit.
  const matches = timingSafeEqual(sha256(expected), sha256(received));
  return canonical && matches;
}

function sha256(bytes: Buffer): Buffer {
  return createHash('sha256').update(bytes).digest();
}
