import { type KeyKind, keyIsLive, parseToken, secretMatches } from './credentials.ts';
import type { CredentialStore, StoreRecord } from './ports.ts';

/** Finds the store a key belongs to; undefined for a malformed, unknown, revoked, expired or wrong-kind key. */
export async function authenticateKey(
  credentials: CredentialStore,
  token: string | undefined,
  kind: KeyKind,
  now: Date = new Date(),
): Promise<StoreRecord | undefined> {
  const parsed = token === undefined ? undefined : parseToken(token);
  if (parsed === undefined) return undefined;
  const record = await credentials.findKey(parsed.keyId);
  // Compare even when the record is missing so timing does not reveal which key ids exist.
  const matches = secretMatches(parsed.secret, record?.secretHash ?? '0'.repeat(64));
  if (record === undefined || !matches || record.kind !== kind || !keyIsLive(record, now)) return undefined;
  return credentials.findStore(record.storeId);
}
