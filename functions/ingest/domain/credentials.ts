import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys and Segment write keys look like `sj_<keyId>_<secret>`. The key id finds the record; only a
 * SHA-256 of the secret is stored (the secret is 256 random bits, so a slow hash adds nothing) and it
 * is compared in constant time.
 */
export type KeyKind = 'events-api' | 'segment-write-key';

export interface KeyRecord {
  keyId: string;
  storeId: string;
  kind: KeyKind;
  secretHash: string;
  createdAt: string;
  revokedAt?: string;
  /** After this instant the key no longer authenticates (optional; `key create --expires-in-days`). */
  expiresAt?: string;
}

/** Whether a key authenticates at `now`: neither revoked nor expired. */
export function keyIsLive(record: Pick<KeyRecord, 'revokedAt' | 'expiresAt'>, now: Date): boolean {
  return (
    record.revokedAt === undefined &&
    (record.expiresAt === undefined || Date.parse(record.expiresAt) > now.getTime())
  );
}

const TOKEN = /^sj_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;

export function generateKey(
  storeId: string,
  kind: KeyKind,
  createdAt: string,
  expiresAt?: string,
): { token: string; record: KeyRecord } {
  const keyId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return {
    token: `sj_${keyId}_${secret}`,
    record: {
      keyId,
      storeId,
      kind,
      secretHash: hashSecret(secret),
      createdAt,
      ...(expiresAt !== undefined && { expiresAt }),
    },
  };
}

export function parseToken(token: string): { keyId: string; secret: string } | undefined {
  const match = TOKEN.exec(token.trim());
  if (match === null) return undefined;
  return { keyId: match[1] as string, secret: match[2] as string };
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

export function secretMatches(secret: string, secretHash: string): boolean {
  const expected = Buffer.from(secretHash, 'hex');
  const actual = createHash('sha256').update(secret, 'utf8').digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** `Authorization: Bearer <token>` → token. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

/** `Authorization: Basic base64(writeKey:)` → writeKey, as Segment's libraries send it. */
export function basicAuthUser(header: string | undefined): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const user = decoded.includes(':') ? decoded.slice(0, decoded.indexOf(':')) : decoded;
  return user.length > 0 ? user : undefined;
}
