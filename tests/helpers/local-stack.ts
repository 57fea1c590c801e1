import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { type DemoCredentials, documentClientFor, seedDemoStore } from '#local/demo-store.ts';
import { type LocalRuntime, type RuntimeOptions, startRuntime } from '#local/runtime.ts';
import { DynamoDbProfileStore } from '#profiles/adapters/dynamodb-profile-store.ts';
import type { IdentityKey } from '#profiles/domain/identity.ts';
import type { Profile } from '#profiles/domain/profile.ts';
import { resolveProfile } from '#profiles/domain/record-event.ts';

export interface LocalStack {
  runtime: LocalRuntime;
  demo: DemoCredentials;
  /** Every line the functions logged, for assertions about what reaches the logs. */
  logLines: string[];
  runtimeErrors: unknown[];
  post(
    path: string,
    body: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: unknown }>;
  /** Waits until queues are drained, then reads the profile the identity leads to. */
  profile(key: IdentityKey, storeId?: string): Promise<Profile | undefined>;
  /** Items in the profiles table: proof that nothing was written. */
  profileItemCount(): Promise<number>;
  close(): Promise<void>;
}

/** The real local runtime on free ports, with a freshly provisioned demo store. */
export async function startLocalStack(options: RuntimeOptions = {}): Promise<LocalStack> {
  const logLines: string[] = [];
  const runtimeErrors: unknown[] = [];
  const runtime = await startRuntime({
    functionConcurrency: 2,
    onRuntimeError: (error) => runtimeErrors.push(error),
    ...options,
    // A caller's own listener (e.g. the dashboard's metrics) sees the lines too; `logLines` keeps them all.
    onLogLine: (functionName, line) => {
      logLines.push(line);
      options.onLogLine?.(functionName, line);
    },
  });
  const demo = await seedDemoStore(runtime.urls.dynamodb, runtime.names.storesTable);
  const documents = documentClientFor(runtime.urls.dynamodb);
  const profiles = new DynamoDbProfileStore(documents, runtime.names.profilesTable);
  return {
    runtime,
    demo,
    logLines,
    runtimeErrors,
    async post(path, body, headers = {}) {
      const response = await fetch(`${runtime.urls.http}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text.length > 0 ? JSON.parse(text) : undefined };
    },
    async profile(key, storeId = demo.store.storeId) {
      await runtime.settle();
      return (await resolveProfile(profiles, storeId, key)).stored?.profile;
    },
    async profileItemCount() {
      await runtime.settle();
      const { Count = 0 } = await documents.send(
        new ScanCommand({ TableName: runtime.names.profilesTable, Select: 'COUNT' }),
      );
      return Count;
    },
    close: () => runtime.close(),
  };
}
