/**
 * Unsubscribe links carry a token, so the link works without a login, cannot be forged to
 * unsubscribe someone else, and does not show whose link it is: mail gets forwarded, and links
 * end up in logs, proxies and browser history.
 *
 * Version 2, the only one issued: `v2.<store>.<iv>.<ciphertext>.<tag>`, each piece canonical
 * base64url. The payload JSON (`{e: email, j?: journey, x: expiry}`) is encrypted and authenticated
 * with AES-256-GCM under a key derived by HKDF-SHA256 from the store's unsubscribe signing key, with
 * a random 12-byte IV per token, so two links for the same claims differ. The store id stays
 * readable (the verifier needs it to choose the store's key; it is not personal data) and, with the
 * version, is bound as additional authenticated data, so neither can be swapped. Only the length of
 * the address shows.
 *
 * Version 1, `base64url(JSON {v:1,s,e,j?,x}) + "." + base64url(HMAC-SHA256)`, was signed, not
 * encrypted: anyone holding the link could read the address. It is still verified only because
 * links already mailed stay valid for 90 days; remove its acceptance 90 days after version 2 is
 * deployed.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { derivedKey } from '#shared/derived-key.ts';

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

// The range a Date can hold, so an authenticated expiry always reads back as a valid instant.
const expirySchema = z.number().int().min(-8.64e15).max(8.64e15);
// Short keys keep the link short. The store id and version live outside the ciphertext (in the AAD).
const payloadSchema = z.strictObject({
  e: z.string().min(1),
  j: z.string().min(1).optional(),
  x: expirySchema,
});
type Payload = z.infer<typeof payloadSchema>;
const v1PayloadSchema = z.strictObject({
  v: z.literal(1),
  s: z.string().min(1),
  e: z.string().min(1),
  j: z.string().min(1).optional(),
  x: expirySchema,
});

const VERSION = 'v2';
const KEY_INFO = 'storefront-journeys unsubscribe token v2';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const V1_SIGNATURE_BYTES = 32;
// Far above any real token (an e-mail is at most 254 characters); stops decrypting arbitrary input.
const MAX_TOKEN_LENGTH = 2048;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * Issues a version 2 token. Throws RangeError for an empty secret, store id or e-mail, an invalid
 * expiry, or claims too long for a token: caller bugs.
 */
export function signUnsubscribeToken(claims: UnsubscribeClaims, secret: string): string {
  if (secret === '') throw new RangeError('An unsubscribe token needs a secret');
  if (claims.storeId === '' || claims.email === '' || claims.journey === '') {
    throw new RangeError('An unsubscribe token needs a store id, an e-mail and, if given, a journey');
  }
  const expiresAt = claims.expiresAt.getTime();
  if (Number.isNaN(expiresAt)) throw new RangeError('An unsubscribe token needs a valid expiry');
  const payload: Payload = {
    e: claims.email,
    ...(claims.journey === undefined ? {} : { j: claims.journey }),
    x: expiresAt,
  };
  const header = `${VERSION}.${Buffer.from(claims.storeId, 'utf8').toString('base64url')}`;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', tokenKey(secret), iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(header, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(payload), 'utf8'), cipher.final()]);
  const token = [header, iv, ciphertext, cipher.getAuthTag()]
    .map((piece) => (typeof piece === 'string' ? piece : piece.toString('base64url')))
    .join('.');
  if (token.length > MAX_TOKEN_LENGTH)
    throw new RangeError('The unsubscribe claims are too long for a token');
  return token;
}

/**
 * Checks shape, then authenticity (the GCM tag, or for version 1 the HMAC in constant time), then
 * expiry, and only reads claims that are authenticated: an attacker learns nothing from a forged
 * token except that it is forged.
 */
export function verifyUnsubscribeToken(
  token: string,
  secret: string,
  now: Date,
): UnsubscribeTokenVerification {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const parts = token.split('.');
  const opened = parts[0] === VERSION ? openV2(parts, secret) : openV1(parts, secret);
  if (typeof opened === 'string') return { ok: false, reason: opened };
  if (now.getTime() >= opened.expiresAt.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, claims: opened };
}

type Opened = UnsubscribeClaims | 'malformed' | 'bad-signature';

function openV2(parts: string[], secret: string): Opened {
  const [version = '', store = '', ivPart = '', ciphertextPart = '', tagPart = ''] = parts;
  if (parts.length !== 5 || !parts.slice(1).every(isCanonicalBase64Url)) return 'malformed';
  const storeId = readStoreId(store);
  const iv = Buffer.from(ivPart, 'base64url');
  const tag = Buffer.from(tagPart, 'base64url');
  if (storeId === undefined || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return 'malformed';
  // With an empty secret anyone could mint tokens, so nothing verifies against it.
  if (secret === '') return 'bad-signature';

  const decipher = createDecipheriv('aes-256-gcm', tokenKey(secret), iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(`${version}.${store}`, 'ascii'));
  decipher.setAuthTag(tag);
  let plaintext: Buffer;
  try {
    plaintext = Buffer.concat([decipher.update(Buffer.from(ciphertextPart, 'base64url')), decipher.final()]);
  } catch {
    return 'bad-signature';
  }
  const payload = parseJson(plaintext, payloadSchema);
  return payload === undefined ? 'malformed' : toClaims(storeId, payload);
}

function openV1(parts: string[], secret: string): Opened {
  const [encoded = '', signature = ''] = parts;
  if (parts.length !== 2 || !parts.every(isCanonicalBase64Url)) return 'malformed';
  const received = Buffer.from(signature, 'base64url');
  if (received.length !== V1_SIGNATURE_BYTES) return 'malformed';
  if (secret === '' || !timingSafeEqual(v1Mac(encoded, secret), received)) return 'bad-signature';
  const payload = parseJson(Buffer.from(encoded, 'base64url'), v1PayloadSchema);
  return payload === undefined ? 'malformed' : toClaims(payload.s, payload);
}

// A fixed label, so this key is used for nothing else derived from the store's signing key.
function tokenKey(secret: string): Buffer {
  return derivedKey(secret, KEY_INFO);
}

function v1Mac(encodedPayload: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(encodedPayload, 'utf8').digest();
}

// Node's decoder skips stray characters and ignores trailing bits; only a string that re-encodes
// to itself is accepted, so every token has exactly one spelling.
function isCanonicalBase64Url(value: string): boolean {
  return BASE64URL.test(value) && Buffer.from(value, 'base64url').toString('base64url') === value;
}

// Only well-formed UTF-8, so the store id read is exactly the one authenticated.
function readStoreId(encoded: string): string | undefined {
  const storeId = Buffer.from(encoded, 'base64url').toString('utf8');
  return storeId !== '' && Buffer.from(storeId, 'utf8').toString('base64url') === encoded
    ? storeId
    : undefined;
}

function parseJson<T>(bytes: Buffer, schema: z.ZodType<T>): T | undefined {
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

function toClaims(storeId: string, { e, j, x }: Payload): UnsubscribeClaims {
  return { storeId, email: e, ...(j === undefined ? {} : { journey: j }), expiresAt: new Date(x) };
}

/**
 * The store a token claims to come from, read WITHOUT authenticating it: only to choose the
 * store's key to verify it with. Never act on it otherwise.
 */
export function claimedStoreId(token: string): string | undefined {
  if (token.length > MAX_TOKEN_LENGTH) return undefined;
  const [first = '', second = ''] = token.split('.');
  if (first === VERSION) return isCanonicalBase64Url(second) ? readStoreId(second) : undefined;
  if (!isCanonicalBase64Url(first)) return undefined;
  return parseJson(Buffer.from(first, 'base64url'), v1PayloadSchema)?.s;
}
