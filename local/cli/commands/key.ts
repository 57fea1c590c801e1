import { DynamoDbCredentialStore } from '#ingest/adapters/dynamodb-credential-store.ts';
import type { KeyKind } from '#ingest/domain/credentials.ts';
import { keyIsLive } from '#ingest/domain/credentials.ts';
import { issueKey } from '#ingest/domain/provision-store.ts';
import { documentClientFor } from '../../demo-store.ts';
import { readRuntimeFile } from '../../runtime-file.ts';

export interface KeyTarget {
  storeId: string;
  /** A deployed stack's Stores table (its StoresTableName output), with --region. */
  table?: string | undefined;
  region?: string | undefined;
}

const DAY_MS = 86_400_000;
export const KEY_KINDS: readonly KeyKind[] = ['events-api', 'segment-write-key'];

function adminOf(target: KeyTarget): DynamoDbCredentialStore {
  if (target.table !== undefined) {
    return new DynamoDbCredentialStore(
      documentClientFor(undefined, target.region ?? 'us-east-1'),
      target.table,
    );
  }
  const runtime = readRuntimeFile();
  return new DynamoDbCredentialStore(documentClientFor(runtime.urls.dynamodb), runtime.names.storesTable);
}

/** Prints a store's keys: id, kind, created, and whether it is live, revoked or expired. */
export async function runKeyList(target: KeyTarget): Promise<void> {
  const now = new Date();
  const keys = (await adminOf(target).listKeys(target.storeId)).sort((a, b) =>
    a.createdAt.localeCompare(b.createdAt),
  );
  if (keys.length === 0) {
    process.stdout.write(`Store ${target.storeId} has no keys.\n`);
    return;
  }
  for (const key of keys) {
    const state = keyIsLive(key, now)
      ? key.expiresAt === undefined
        ? 'live'
        : `live until ${key.expiresAt}`
      : key.revokedAt !== undefined
        ? `revoked ${key.revokedAt}`
        : `expired ${key.expiresAt}`;
    process.stdout.write(`${key.keyId}  ${key.kind.padEnd(17)}  created ${key.createdAt}  ${state}\n`);
  }
}

/** Issues a key and prints it once: only its hash is stored. */
export async function runKeyCreate(
  target: KeyTarget,
  options: { kind: KeyKind; expiresInDays?: number | undefined },
): Promise<void> {
  const now = new Date();
  const expiresAt =
    options.expiresInDays === undefined
      ? undefined
      : new Date(now.getTime() + options.expiresInDays * DAY_MS);
  const token = await issueKey(adminOf(target), target.storeId, options.kind, now, expiresAt);
  process.stdout.write(
    `New ${options.kind} key for store ${target.storeId}${expiresAt ? `, valid until ${expiresAt.toISOString()}` : ''}. ` +
      `Keep it now; only its hash is stored:\n  ${token}\n`,
  );
}

/** Revokes a key; running functions stop accepting it once their cached copy expires (60 s). */
export async function runKeyRevoke(target: KeyTarget, keyId: string): Promise<void> {
  const outcome = await adminOf(target).revokeKey(target.storeId, keyId, new Date().toISOString());
  if (outcome === 'unknown') throw new Error(`store ${target.storeId} has no key ${keyId}`);
  process.stdout.write(
    `Key ${keyId} revoked. Functions that read it in the last 60 s may accept it until their cache expires.\n`,
  );
}
