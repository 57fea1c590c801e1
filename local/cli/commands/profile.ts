import { DynamoDbProfileStore } from '#profiles/adapters/dynamodb-profile-store.ts';
import type { IdentityKey } from '#profiles/domain/identity.ts';
import { normalizeEmail } from '#profiles/domain/identity.ts';
import { resolveProfile } from '#profiles/domain/record-event.ts';
import { documentClientFor } from '../../demo-store.ts';
import { readRuntimeFile } from '../../runtime-file.ts';

/** Prints the profile an e-mail, customer id or `anonymous:<id>` leads to, following identity joins. */
export async function runProfile(who: string | undefined, storeId: string): Promise<void> {
  if (who === undefined) throw new Error('profile takes an e-mail address or a customer id');
  const runtime = readRuntimeFile();
  const store = new DynamoDbProfileStore(
    documentClientFor(runtime.urls.dynamodb),
    runtime.names.profilesTable,
  );
  const resolved = await resolveProfile(store, storeId, identityKeyOf(who));
  if (resolved.stored === undefined) {
    process.stdout.write(
      `No profile for ${who} in store ${storeId} (yet: events take a moment to arrive).\n`,
    );
    process.exitCode = 1;
    return;
  }
  process.stdout.write(`${JSON.stringify(resolved.stored.profile, null, 2)}\n`);
}

export function identityKeyOf(who: string): IdentityKey {
  if (/^(customer|email|anonymous|order):/.test(who)) return who as IdentityKey;
  return who.includes('@') ? `email:${normalizeEmail(who)}` : `customer:${who}`;
}
