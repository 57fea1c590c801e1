import { describe, expect, it } from 'vitest';
import { authenticateKey } from '#ingest/domain/authenticate.ts';
import {
  basicAuthUser,
  bearerToken,
  generateKey,
  type KeyRecord,
  parseToken,
  secretMatches,
} from '#ingest/domain/credentials.ts';
import type { CredentialStore, StoreRecord } from '#ingest/domain/ports.ts';

const store: StoreRecord = {
  storeId: 'shop-1',
  name: 'Shop',
  defaultCurrency: 'EUR',
  timeZone: 'Europe/Berlin',
};

/** The credential port over plain maps. */
function credentialsWith(records: KeyRecord[]): CredentialStore {
  const keys = new Map(records.map((record) => [record.keyId, record]));
  return {
    findKey: async (keyId) => keys.get(keyId),
    findStore: async (storeId) => (storeId === store.storeId ? store : undefined),
  };
}

describe('Function: generateKey', () => {
  it('issues a token whose secret only survives as a hash', () => {
    // Act
    const { token, record } = generateKey('shop-1', 'events-api', '2026-01-01T00:00:00Z');
    const parsed = parseToken(token);

    // Assess
    expect(token).toMatch(/^sj_[a-f0-9]{16}_[A-Za-z0-9_-]{43}$/);
    expect(parsed?.keyId).toBe(record.keyId);
    expect(JSON.stringify(record)).not.toContain(parsed?.secret);
    expect(secretMatches(parsed?.secret ?? '', record.secretHash)).toBe(true);
    expect(secretMatches(`${parsed?.secret}x`, record.secretHash)).toBe(false);
  });
});

describe('Function: authenticateKey', () => {
  const issued = generateKey('shop-1', 'events-api', '2026-01-01T00:00:00Z');
  const writeKey = generateKey('shop-1', 'segment-write-key', '2026-01-01T00:00:00Z');
  const revoked = generateKey('shop-1', 'events-api', '2026-01-01T00:00:00Z');
  const credentials = credentialsWith([
    issued.record,
    writeKey.record,
    { ...revoked.record, revokedAt: '2026-02-01T00:00:00Z' },
  ]);

  it('finds the store of a valid key of the right kind', async () => {
    // Act + Assess
    await expect(authenticateKey(credentials, issued.token, 'events-api')).resolves.toEqual(store);
    await expect(authenticateKey(credentials, writeKey.token, 'segment-write-key')).resolves.toEqual(store);
  });

  it.each([
    ['a missing key', undefined],
    ['a malformed key', 'hello'],
    ['an unknown key id', `sj_0000000000000000_${'a'.repeat(43)}`],
    ['a wrong secret', `${issued.token.slice(0, -1)}${issued.token.endsWith('A') ? 'B' : 'A'}`],
  ])('fails for %s', async (_, token) => {
    // Act + Assess
    await expect(authenticateKey(credentials, token, 'events-api')).resolves.toBeUndefined();
  });

  it('fails for a key of another kind and for a revoked key', async () => {
    // Act + Assess
    await expect(authenticateKey(credentials, writeKey.token, 'events-api')).resolves.toBeUndefined();
    await expect(authenticateKey(credentials, revoked.token, 'events-api')).resolves.toBeUndefined();
  });
});

describe('Function: bearerToken and basicAuthUser', () => {
  it('reads the bearer token and the Basic user name as Segment sends it', () => {
    // Act + Assess
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(basicAuthUser('Basic YWJjMTIzOg==')).toBe('abc123');
    expect(basicAuthUser(`Basic ${Buffer.from('abc123').toString('base64')}`)).toBe('abc123');
    expect(basicAuthUser(`Basic ${Buffer.from(':pw').toString('base64')}`)).toBeUndefined();
    expect(basicAuthUser(undefined)).toBeUndefined();
  });
});
