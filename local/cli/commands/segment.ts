import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkSegmentFile,
  SEGMENTS_DIR,
  segmentFiles,
  segmentJsonSchema,
} from '#infra/segments/definitions.ts';
import { reportDefinitionFiles } from './definition-files.ts';

/**
 * `segment validate [file…]`: checks segment files (all of `segments/` by default) and prints each
 * problem as `file:line: path: what is wrong`; exits 1 when there is any.
 */
export function runSegmentValidate(files: string[]): void {
  reportDefinitionFiles(
    files.length > 0 ? files : segmentFiles(),
    checkSegmentFile,
    (segment) => segment.name,
  );
}

/** `segment schema`: writes `segments/segment.schema.json` from the definition schema. */
export function runSegmentSchema(): void {
  const file = join(SEGMENTS_DIR, 'segment.schema.json');
  writeFileSync(file, segmentJsonSchema());
  process.stdout.write(`wrote ${file}\n`);
}
