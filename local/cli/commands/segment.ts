import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkSegmentFile,
  SEGMENTS_DIR,
  segmentFiles,
  segmentJsonSchema,
} from '#infra/segments/definitions.ts';
import { formatProblem } from '#journeys/definition/definition-file.ts';

/**
 * `segment validate [file…]`: checks segment files (all of `segments/` by default) and prints each
 * problem as `file:line: path: what is wrong`; exits 1 when there is any.
 */
export function runSegmentValidate(files: string[]): void {
  const targets = files.length > 0 ? files : segmentFiles();
  let problems = 0;
  for (const file of targets) {
    if (!existsSync(file)) {
      process.stderr.write(`${file}: no such file\n`);
      problems += 1;
      continue;
    }
    const result = checkSegmentFile(file);
    if (result.ok) {
      process.stdout.write(`${file}: ok (${result.definition.name})\n`);
      continue;
    }
    problems += result.problems.length;
    for (const problem of result.problems) process.stderr.write(`${formatProblem(problem)}\n`);
  }
  if (problems > 0) {
    process.stderr.write(`${problems} problem${problems === 1 ? '' : 's'}\n`);
    process.exitCode = 1;
  }
}

/** `segment schema`: writes `segments/segment.schema.json` from the definition schema. */
export function runSegmentSchema(): void {
  const file = join(SEGMENTS_DIR, 'segment.schema.json');
  writeFileSync(file, segmentJsonSchema());
  process.stdout.write(`wrote ${file}\n`);
}
