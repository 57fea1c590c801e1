import { DynamoDbMessagingStore } from '#messaging/adapters/dynamodb-messaging-store.ts';
import { describeDecision } from '#messaging/domain/decision-record.ts';
import { DynamoDbProfileStore } from '#profiles/adapters/dynamodb-profile-store.ts';
import { resolveProfile } from '#profiles/domain/record-event.ts';
import { documentClientFor } from '../../demo-store.ts';
import { readRuntimeFile } from '../../runtime-file.ts';
import { identityKeyOf } from './profile.ts';

/** "Why did (or didn't) this customer get this email?": every send decision, newest first. */
export async function runDecisions(who: string | undefined, storeId: string): Promise<void> {
  if (who === undefined) throw new Error('decisions takes an e-mail address or a customer id');
  const runtime = readRuntimeFile();
  const documents = documentClientFor(runtime.urls.dynamodb);
  const profiles = new DynamoDbProfileStore(documents, runtime.names.profilesTable);
  const resolved = await resolveProfile(profiles, storeId, identityKeyOf(who));
  const messaging = new DynamoDbMessagingStore(documents, runtime.names.messagesTable);
  const decisions = await messaging.listDecisions({ storeId, customerKey: resolved.key }, 100);
  if (decisions.length === 0) {
    process.stdout.write(`No send decisions for ${who} (${resolved.key}) yet.\n`);
    return;
  }
  for (const decision of decisions) process.stdout.write(`${describeDecision(decision)}\n`);
}
