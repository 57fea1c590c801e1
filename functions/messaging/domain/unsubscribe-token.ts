/**
 * Unsubscribe links carry a signed token, so the link works without a login and cannot be forged
 * to unsubscribe someone else. Format: `base64url(JSON payload) + "." + base64url(HMAC-SHA256)`,
 * the MAC taken over the encoded payload exactly as it appears in the token, so verifying never
 * depends on how JSON is re-serialised.
 *
 * The payload is signed, not encrypted: anyone holding the link can read the address in it.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export interface UnsubscribeClaims {
  storeId: string;
  email: string;
  /** Set when the link should only stop this journey's mail; absent means all marketing. */
  journey?: string;
  /** The first instant at which the token no longer works. */
  expiresAt: Date;
}

export type UnsubscribeTokenVerification =
  | { ok: true; claims: UnsubscribeClaims }
  | { ok: false; reason: 'malformed' | 'bad-signature' | 'expired' };

// Short keys keep the link short; `v` lets the payload change without old links breaking silently.
const payloadSchema = z.strictObject({
  v: z.literal(1),
  s: z.string().min(1),
  e: z.string().min(1),
  j: z.string().min(1).optional(),
  // The range a Date can hold, so a signed expiry always reads back as a valid instant.
  x: z.number().int().min(-8.64e15).max(8.64e15),
});
type Payload = z.infer<typeof payloadSchema>;

const SIGNATURE_BYTES = 32;
// Far above any real token (an e-mail is at most 254 characters); stops hashing arbitrary input.
const MAX_TOKEN_LENGTH = 2048;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Throws RangeError for an empty secret, store id or e-mail, or an invalid expiry: caller bugs. */
export function signUnsubscribeToken(claims: UnsubscribeClaims, secret: string): string {
  if (secret === '') throw new RangeError('An unsubscribe token needs a secret');
  if (claims.storeId === '' || claims.email === '' || claims.journey === '') {
    throw new RangeError('An unsubscribe token needs a store id, an e-mail and, if given, a journey');
  }
  const expiresAt = claims.expiresAt.getTime();
  if (Number.isNaN(expiresAt)) throw new RangeError('An unsubscribe token needs a valid expiry');
  const payload: Payload = {
    v: 1,
    s: claims.storeId,
    e: claims.email,
    ...(claims.journey === undefined ? {} : { j: claims.journey }),
    x: expiresAt,
  };
  const encoded = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${encoded}.${mac(encoded, secret).toString('base64url')}`;
}

/**
 * Checks shape, then signature (in constant time), then expiry, and only reads claims that are
 * signed: an attacker learns nothing from a forged token except that it is forged.
 */
export function verifyUnsubscribeToken(
  token: string,
  secret: string,
  now: Date,
): UnsubscribeTokenVerification {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  const [encoded, signature] = parts;
  if (parts.length !== 2 || encoded === undefined || signature === undefined)
    return { ok: false, reason: 'malformed' };
  if (!isCanonicalBase64Url(encoded) || !isCanonicalBase64Url(signature))
    return { ok: false, reason: 'malformed' };
  const received = Buffer.from(signature, 'base64url');
  if (received.length !== SIGNATURE_BYTES) return { ok: false, reason: 'malformed' };

  // With an empty secret anyone could mint tokens, so nothing verifies against it.
  if (secret === '' || !timingSafeEqual(mac(encoded, secret), received)) {
    return { ok: false, reason: 'bad-signature' };
  }

  const claims = readPayload(encoded);
  if (claims === undefined) return { ok: false, reason: 'malformed' };
  if (now.getTime() >= claims.expiresAt.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

function mac(encodedPayload: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(encodedPayload, 'utf8').digest();
}

// Node's decoder skips stray characters and ignores trailing bits; only a string that re-encodes
// to itself is accepted, so every token has exactly one spelling.
function isCanonicalBase64Url(value: string): boolean {
  return BASE64URL.test(value) && Buffer.from(value, 'base64url').toString('base64url') === value;
}

function readPayload(encoded: string): UnsubscribeClaims | undefined {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) return undefined;
  const { s, e, j, x } = parsed.data;
  return { storeId: s, email: e, ...(j === undefined ? {} : { journey: j }), expiresAt: new Date(x) };
}

/**
 * The store a token claims to come from, read WITHOUT checking the signature: only to choose the
 * store's key to verify it with. Never act on it otherwise.
 */
export function claimedStoreId(token: string): string | undefined {
  const [encoded] = token.split('.');
  if (encoded === undefined || token.length > MAX_TOKEN_LENGTH || !BASE64URL.test(encoded)) return undefined;
  return readPayload(encoded)?.storeId;
}
