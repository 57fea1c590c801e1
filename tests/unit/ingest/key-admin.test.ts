import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbCredentialStore } from '#ingest/adapters/dynamodb-credential-store.ts';
import { authenticateKey } from '#ingest/domain/authenticate.ts';
import { issueKey, provisionStore } from '#ingest/domain/provision-store.ts';
import { type LocalTables, STORES_TABLE, startLocalTables } from '#tests/unit/engagement/messages-table.ts';

let tables: LocalTables;
let admin: DynamoDbCredentialStore;
const NOW = new Date('2026-03-01T00:00:00Z');
const DAY_MS = 86_400_000;

beforeAll(async () => {
  tables = await startLocalTables();
  admin = new DynamoDbCredentialStore(tables.documents, STORES_TABLE);
  for (const storeId of ['shop-a', 'shop-b']) {
    await provisionStore(admin, { storeId, name: storeId, defaultCurrency: 'USD', timeZone: 'UTC' }, NOW);
  }
});
afterAll(async () => {
  await tables?.close();
});

describe('Key administration over the Stores table', () => {
  it("lists a store's keys, revokes one of them, and expires a key issued with an expiry", async () => {
    // Prepare
    const extra = await issueKey(admin, 'shop-a', 'events-api', NOW);
    const shortLived = await issueKey(admin, 'shop-a', 'events-api', NOW, new Date(NOW.getTime() + DAY_MS));
    const idOf = (token: string) => token.split('_')[1] as string;

    // Act
    const listed = await admin.listKeys('shop-a');
    const wrongStore = await admin.revokeKey('shop-b', idOf(extra), '2026-03-01T01:00:00.000Z');
    const revoked = await admin.revokeKey('shop-a', idOf(extra), '2026-03-01T01:00:00.000Z');
    const afterRevoke = await authenticateKey(admin, extra, 'events-api', NOW);
    const beforeExpiry = await authenticateKey(
      admin,
      shortLived,
      'events-api',
      new Date(NOW.getTime() + DAY_MS - 1),
    );
    const afterExpiry = await authenticateKey(
      admin,
      shortLived,
      'events-api',
      new Date(NOW.getTime() + DAY_MS),
    );

    // Assess: shop-a's two keys from provisioning and the two issued here, none of shop-b's; hashes only
    expect(listed.map((key) => key.kind).sort()).toEqual([
      'events-api',
      'events-api',
      'events-api',
      'segment-write-key',
    ]);
    expect(listed.every((key) => key.storeId === 'shop-a' && /^[0-9a-f]{64}$/.test(key.secretHash))).toBe(
      true,
    );
    expect(JSON.stringify(listed)).not.toContain(extra.split('_')[2]);
    expect([wrongStore, revoked]).toEqual(['unknown', 'revoked']);
    expect(afterRevoke).toBeUndefined();
    expect(beforeExpiry?.storeId).toBe('shop-a');
    expect(afterExpiry).toBeUndefined();
    expect((await admin.listKeys('shop-a')).find((key) => key.keyId === idOf(extra))?.revokedAt).toBe(
      '2026-03-01T01:00:00.000Z',
    );
  });

  it('refuses to issue a key for a store that does not exist', async () => {
    // Act & Assess
    await expect(issueKey(admin, 'no-such-shop', 'events-api', NOW)).rejects.toThrow('no store no-such-shop');
  });
});
