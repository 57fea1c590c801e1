import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import { type DemoCredentials, documentClientFor, seedDemoStore } from '#local/demo-store.ts';
import { type LocalRuntime, type RuntimeOptions, startRuntime } from '#local/runtime.ts';
import { profileItemKey } from '#profiles/adapters/dynamodb-profile-store.ts';
import { fromItemKeys } from '#profiles/adapters/item-keys.ts';
import type { IdentityKey } from '#profiles/domain/identity.ts';
import type { Profile } from '#profiles/domain/profile.ts';
import type { PersonTruth } from './shop-story.ts';

/** The runtime's own default for `functionConcurrency`. */
const DEFAULT_FUNCTION_CONCURRENCY = 4;

export interface ReliabilityStack {
  runtime: LocalRuntime;
  credentials: DemoCredentials;
  storeId: string;
  /** On the runtime's DynamoDB endpoint, for reading what the run left behind. */
  documents: DynamoDBDocumentClient;
  runtimeErrors: unknown[];
  /** Lines the functions logged at level ERROR (only counted: a failing run can log thousands). */
  errorLogLineCount: number;
  /**
   * The store's profile items under every identity of these people and under every key their alias
   * pointers lead to. Read by key: dynalite's Scan reads the rest of the table for every page, which
   * takes minutes at 100,000 events.
   */
  profilesOf(people: readonly PersonTruth[]): Promise<Map<IdentityKey, Profile>>;
  itemCount(tableName: string): Promise<number>;
  close(): Promise<void>;
}

/** Handler modules whose functions see bursts of concurrent invocations, by file name. */
export type BurstyHandler = 'own-events' | 'segment' | 'shopify-webhook' | 'journey-step';

export interface ReliabilityStackOptions extends RuntimeOptions {
  /** Functions to start all containers of before the run (see `warmUp`). @default [] */
  warm?: BurstyHandler[];
}

/**
 * The real local runtime on free loopback ports with a freshly provisioned store. Unlike the test
 * helper it keeps no log lines, only counts the errors: 100,000 events log hundreds of megabytes.
 */
export async function startReliabilityStack(
  options: ReliabilityStackOptions = {},
): Promise<ReliabilityStack> {
  const { warm = [], ...runtimeOptions } = options;
  const runtimeErrors: unknown[] = [];
  let errorLogLineCount = 0;
  const runtime = await startRuntime({
    onRuntimeError: (error) => runtimeErrors.push(error),
    onLogLine: (_, line) => {
      if (line.includes('"level":"ERROR"')) errorLogLineCount += 1;
    },
    ...runtimeOptions,
  });
  try {
    await warmUp(runtime, warm, runtimeOptions.functionConcurrency ?? DEFAULT_FUNCTION_CONCURRENCY);
    // The warm-up's refused invocations log errors of their own; the run counts from here.
    errorLogLineCount = 0;
    const credentials = await seedDemoStore(runtime.urls.dynamodb, runtime.names.storesTable);
    const { storeId } = credentials.store;
    const documents = documentClientFor(runtime.urls.dynamodb);
    return {
      runtime,
      credentials,
      storeId,
      documents,
      runtimeErrors,
      get errorLogLineCount() {
        return errorLogLineCount;
      },
      profilesOf: async (people) => {
        const profiles = new Map<IdentityKey, Profile>();
        // Each key is asked for once: a pointer to a profile that does not exist must not loop
        // (the audit then finds the person's events in no profile and says so).
        const asked = new Set<IdentityKey>();
        const notAskedYet = (candidates: Iterable<IdentityKey | undefined>) =>
          [...new Set(candidates)].filter((key): key is IdentityKey => key !== undefined && !asked.has(key));
        for (let wanted = notAskedYet(people.flatMap((person) => person.keys)); wanted.length > 0; ) {
          for (const key of wanted) asked.add(key);
          for (const profile of await getProfiles(documents, runtime.names.profilesTable, storeId, wanted)) {
            profiles.set(profile.key, profile);
          }
          wanted = notAskedYet([...profiles.values()].map((profile) => profile.mergedInto));
        }
        return profiles;
      },
      itemCount: async (tableName) => {
        let count = 0;
        let start: Record<string, unknown> | undefined;
        do {
          const page = await documents.send(
            new ScanCommand({ TableName: tableName, Select: 'COUNT', ExclusiveStartKey: start }),
          );
          count += page.Count ?? 0;
          start = page.LastEvaluatedKey;
        } while (start !== undefined);
        return count;
      },
      close: async () => {
        documents.destroy();
        await runtime.close();
      },
    };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}

/**
 * Starts every container of the named functions with invocations their handlers refuse at once (no
 * store is provisioned yet, and the event matches no schema). A workaround: `LocalFunction.acquire`
 * checks the container count before awaiting a cold start and adds the container after it, so a
 * burst of invocations on a cold function (a quiet point releasing hundreds of journey starts, eight
 * requests in flight) starts a worker thread for each of them — hundreds of threads and gigabytes.
 * Exactly `concurrency` invocations at once start exactly `concurrency` containers; later bursts wait.
 */
async function warmUp(runtime: LocalRuntime, handlers: BurstyHandler[], concurrency: number): Promise<void> {
  const functions = [...runtime.functions.values()].filter((fn) =>
    handlers.some((handler) => fn.definition.entry.endsWith(`/handlers/${handler}.ts`)),
  );
  await Promise.all(
    functions.flatMap((fn) =>
      Array.from({ length: concurrency }, () =>
        fn.invoke({ reliabilityWarmUp: true }).catch(() => undefined),
      ),
    ),
  );
}

/** BatchGetItem allows 100 keys a call and may leave some unprocessed; those are asked for again. */
const KEYS_PER_BATCH_GET = 100;

async function getProfiles(
  documents: DynamoDBDocumentClient,
  tableName: string,
  storeId: string,
  keys: IdentityKey[],
): Promise<Profile[]> {
  const profiles: Profile[] = [];
  for (let index = 0; index < keys.length; index += KEYS_PER_BATCH_GET) {
    let request: Record<string, unknown>[] | undefined = keys
      .slice(index, index + KEYS_PER_BATCH_GET)
      .map((key) => ({ pk: profileItemKey(storeId, key) }));
    while (request !== undefined && request.length > 0) {
      const answer: BatchGetCommandOutput = await documents.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: request, ConsistentRead: true } } }),
      );
      for (const item of answer.Responses?.[tableName] ?? [])
        profiles.push(fromItemKeys(item.profile as Profile));
      request = answer.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return profiles;
}
