import { SFNClient } from '@aws-sdk/client-sfn';
import { eraseCustomer } from '#privacy/domain/erase-customer.ts';
import { type ErasureTables, erasureDependencies } from '#privacy/erasure-wiring.ts';
import { documentClientFor } from '../../demo-store.ts';
import { readRuntimeFile } from '../../runtime-file.ts';
import { identityKeyOf } from './profile.ts';

export interface CustomerEraseOptions {
  storeId: string;
  /** A deployed stack's region; with it, the three table names. */
  region?: string | undefined;
  profilesTable?: string | undefined;
  messagesTable?: string | undefined;
  storesTable?: string | undefined;
}

/**
 * Erases a customer from the local stack, or from a deployed one with --region and its table names
 * (the stateful stack's outputs). Prints counts only: the person is gone from this terminal too.
 */
export async function runCustomerErase(who: string, options: CustomerEraseOptions): Promise<void> {
  const target = options.region === undefined ? localTarget() : deployedTarget(options);
  const dependencies = await erasureDependencies(target.clients, target.tables, options.storeId);
  const report = await eraseCustomer(dependencies, {
    storeId: options.storeId,
    key: identityKeyOf(who),
    at: new Date(),
  });
  process.stdout.write(
    `Erased from store ${options.storeId}: ${report.identities} identities, ${report.profiles} profile items, ` +
      `${report.records} records, ${report.runsStopped} running journeys stopped. A keyed hash of each ` +
      'identity stays, so events from before the erasure do not bring the customer back.\n',
  );
}

function localTarget() {
  const runtime = readRuntimeFile();
  return {
    clients: {
      dynamodb: documentClientFor(runtime.urls.dynamodb),
      stepFunctions: new SFNClient({
        region: 'us-east-1',
        endpoint: runtime.urls.stepfunctions,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    },
    tables: runtime.names satisfies ErasureTables,
  };
}

function deployedTarget(options: CustomerEraseOptions) {
  const { region, profilesTable, messagesTable, storesTable } = options;
  if (profilesTable === undefined || messagesTable === undefined || storesTable === undefined) {
    throw new Error(
      'with --region, name the tables: --profiles-table, --messages-table and --stores-table ' +
        "(the stateful stack's outputs)",
    );
  }
  return {
    clients: { dynamodb: documentClientFor(undefined, region), stepFunctions: new SFNClient({ region }) },
    tables: { profilesTable, messagesTable, storesTable },
  };
}
