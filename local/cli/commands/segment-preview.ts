import { existsSync } from 'node:fs';
import { checkSegmentFile } from '#infra/segments/definitions.ts';
import { formatProblem } from '#journeys/definition/definition-file.ts';
import { profilesOfStore } from '#segments/adapters/dynamodb-profile-scan.ts';
import { previewSegment } from '#segments/domain/preview.ts';
import { documentClientFor } from '../../demo-store.ts';
import { readRuntimeFile } from '../../runtime-file.ts';

export interface SegmentPreviewOptions {
  storeId: string;
  /** A deployed stack's region, with its Profiles table (output ProfilesTableName). */
  region?: string | undefined;
  profilesTable?: string | undefined;
  sample: number;
}

/** `segment preview <file>`: members now, and a sample, from the local stack's or a deployed stack's profiles. */
export async function runSegmentPreview(file: string, options: SegmentPreviewOptions): Promise<void> {
  if (!existsSync(file)) throw new Error(`no such file: ${file}`);
  const checked = checkSegmentFile(file);
  if (!checked.ok) {
    for (const problem of checked.problems) process.stderr.write(`${formatProblem(problem)}\n`);
    process.exitCode = 1;
    return;
  }
  const { client, table } = target(options);
  const preview = await previewSegment(checked.definition, profilesOfStore(client, table, options.storeId), {
    now: new Date(),
    sampleSize: options.sample,
  });
  process.stdout.write(
    `${checked.definition.id}: ${preview.members} of ${preview.customers} customers of store ${options.storeId} ` +
      'are members now (nothing was written)\n',
  );
  for (const key of preview.sample) process.stdout.write(`  ${key}\n`);
}

function target(options: SegmentPreviewOptions) {
  if (options.region !== undefined) {
    if (options.profilesTable === undefined) {
      throw new Error(
        "with --region, name the Profiles table: --profiles-table (the stateful stack's output)",
      );
    }
    return { client: documentClientFor(undefined, options.region), table: options.profilesTable };
  }
  const runtime = readRuntimeFile();
  return { client: documentClientFor(runtime.urls.dynamodb), table: runtime.names.profilesTable };
}
