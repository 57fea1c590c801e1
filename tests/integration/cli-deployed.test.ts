/**
 * The operator's commands against a deployed stack (`--region` and table names): `key list |
 * create | revoke`, `customer erase` and `segment preview`, on dynalite tables reached through AWS_ENDPOINT_URL_DYNAMODB
 * as the SDK would reach DynamoDB: the commands' own processes, their output and exit codes.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbProfileStore } from '#profiles/adapters/dynamodb-profile-store.ts';
import { emptyProfile } from '#profiles/domain/profile.ts';
import { type LocalDynamoDb, startLocalDynamoDb, tableOf } from '#tests/helpers/local-dynamodb.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
let tables: LocalDynamoDb;

/** The CLI in its own process (asynchronously: dynalite answers from this one). */
async function journeys(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'local/cli/main.ts'), ...args],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          AWS_ENDPOINT_URL_DYNAMODB: tables.dynamodb.endpoint,
          AWS_ACCESS_KEY_ID: 'local',
          AWS_SECRET_ACCESS_KEY: 'local',
        },
        timeout: 60_000,
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const deployed = ['--store-id', 'acme', '--table', 'Stores', '--region', 'us-east-1'];

beforeAll(async () => {
  tables = await startLocalDynamoDb([
    tableOf('Stores', 'pk'),
    tableOf('Profiles', 'pk'),
    tableOf('Messages', 'pk+sk'),
  ]);
  const created = await journeys(
    'store',
    'create',
    '--id',
    'acme',
    '--name',
    'Acme',
    '--table',
    'Stores',
    '--region',
    'us-east-1',
  );
  expect(created.code, created.stderr).toBe(0);
});

afterAll(async () => {
  await tables.close();
});

describe('CLI: key list | create | revoke on a deployed Stores table', () => {
  it('creates a key with an expiry, lists it live, revokes it, and lists it revoked', async () => {
    const created = await journeys(
      'key',
      'create',
      '--kind',
      'events-api',
      '--expires-in-days',
      '30',
      ...deployed,
    );
    expect(created.code, created.stderr).toBe(0);
    const token = /sj_([a-z0-9]{16})_[A-Za-z0-9_-]{43}/.exec(created.stdout);
    expect(created.stdout).toMatch(/New events-api key for store acme, valid until \d{4}-\d\d-\d\dT/);
    const keyId = token?.[1] as string;
    expect(keyId).toMatch(/^[a-z0-9]{16}$/);

    const listed = await journeys('key', 'list', ...deployed);
    expect(listed.stdout).toMatch(new RegExp(`${keyId}\\s+events-api\\s+created \\S+\\s+live until `));
    // The store's first keys (from store create) are there too, and no secret is printed.
    expect(listed.stdout.split('\n').filter((line) => line !== '').length).toBeGreaterThanOrEqual(3);
    expect(listed.stdout).not.toContain(token?.[0]);

    const revoked = await journeys('key', 'revoke', keyId, ...deployed);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`Key ${keyId} revoked.`);
    expect((await journeys('key', 'list', ...deployed)).stdout).toMatch(
      new RegExp(`${keyId}\\s+events-api\\s+created \\S+\\s+revoked `),
    );
  });

  it('fails with one clear line for a key the store does not have, and for a store that does not exist', async () => {
    const unknownKey = await journeys('key', 'revoke', 'nope', ...deployed);
    const unknownStore = await journeys(
      'key',
      'create',
      '--kind',
      'events-api',
      '--store-id',
      'ghost',
      '--table',
      'Stores',
      '--region',
      'us-east-1',
    );

    expect(unknownKey.code).toBe(1);
    expect(unknownKey.stderr.trim()).toBe('journeys: store acme has no key nope');
    expect(unknownStore.code).toBe(1);
    expect(unknownStore.stderr.trim()).toBe('journeys: no store ghost');
  });
});

describe('CLI: customer erase on a deployed stack', () => {
  const tablesOf = [
    '--profiles-table',
    'Profiles',
    '--messages-table',
    'Messages',
    '--stores-table',
    'Stores',
  ];

  it('erases the profile and leaves only a keyed hash of the address', async () => {
    const profiles = new DynamoDbProfileStore(tables.documents, 'Profiles');
    await profiles.save(
      { ...emptyProfile('acme', 'email:sam@example.com'), email: 'sam@example.com' },
      undefined,
    );

    const erased = await journeys(
      'customer',
      'erase',
      'sam@example.com',
      '--store-id',
      'acme',
      '--region',
      'us-east-1',
      ...tablesOf,
    );

    expect(erased.code, erased.stderr).toBe(0);
    expect(erased.stdout).toMatch(
      /^Erased from store acme: 1 identities, 1 profile items, \d+ records, 0 running journeys stopped/,
    );
    expect(erased.stdout).not.toContain('sam@');
    const { Items = [] } = await tables.documents.send(new ScanCommand({ TableName: 'Profiles' }));
    expect(JSON.stringify(Items)).not.toContain('sam@example.com');
    expect(Items.map((item) => String(item.pk).split('#').slice(0, 2).join('#'))).toEqual(['ERASED#acme']);
  });

  it('asks for the three tables with --region, in one line', async () => {
    const result = await journeys(
      'customer',
      'erase',
      'sam@example.com',
      '--store-id',
      'acme',
      '--region',
      'us-east-1',
    );

    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      "journeys: with --region, name the tables: --profiles-table, --messages-table and --stores-table (the stateful stack's outputs)",
    );
  });
});

describe('CLI: segment preview on a deployed stack', () => {
  it('counts the store’s members now and lists a sample, leaving out folded profiles and other stores', async () => {
    const profiles = new DynamoDbProfileStore(tables.documents, 'Profiles');
    const orderedOn = (key: string, lastOrderAt: string, storeId = 'preview-shop') => ({
      ...emptyProfile(storeId, key as `customer:${string}`),
      orderSummary: { count: 2, totalSpent: {}, averageOrderValue: {} },
      lifecycle: { lastOrderAt },
    });
    await profiles.save(orderedOn('customer:old-1', '2025-01-10T10:00:00.000Z'), undefined);
    await profiles.save(orderedOn('customer:old-2', '2025-02-10T10:00:00.000Z'), undefined);
    await profiles.save(orderedOn('customer:recent', new Date().toISOString()), undefined);
    await profiles.save(
      { ...orderedOn('customer:folded', '2025-01-10T10:00:00.000Z'), mergedInto: 'customer:old-1' },
      undefined,
    );
    await profiles.save(
      orderedOn('customer:elsewhere', '2025-01-10T10:00:00.000Z', 'another-shop'),
      undefined,
    );

    const preview = await journeys(
      'segment',
      'preview',
      join(ROOT, 'segments/dormant.segment.yaml'),
      '--store-id',
      'preview-shop',
      '--region',
      'us-east-1',
      '--profiles-table',
      'Profiles',
    );

    expect(preview.code, preview.stderr).toBe(0);
    const [summary, ...sample] = preview.stdout.trim().split('\n');
    expect(summary).toBe(
      'dormant: 2 of 3 customers of store preview-shop are members now (nothing was written)',
    );
    expect(sample.map((line) => line.trim()).sort()).toEqual(['customer:old-1', 'customer:old-2']);
  });
});
