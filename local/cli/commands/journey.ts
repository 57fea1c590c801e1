import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkJourneyFile,
  JOURNEYS_DIR,
  journeyFiles,
  journeyJsonSchema,
} from '#infra/journeys/definitions.ts';
import { journeyMermaid } from '#journeys/definition/graph.ts';
import { formatProblem } from '#journeys/definition/load.ts';
import { reportDefinitionFiles } from './definition-files.ts';

/**
 * `journey validate [file…]`: checks journey files (all of `journeys/` by default) and prints each
 * problem as `file:line: path: what is wrong`; exits 1 when there is any.
 */
export function runJourneyValidate(files: string[]): void {
  reportDefinitionFiles(
    files.length > 0 ? files : journeyFiles(),
    checkJourneyFile,
    (journey) => `${journey.steps.length} steps`,
  );
}

/** `journey graph <id | file>`: the journey as a Mermaid flowchart, to paste into any Markdown viewer. */
export function runJourneyGraph(which: string | undefined): void {
  if (which === undefined) throw new Error('journey graph needs a journey id or file');
  const file = existsSync(which) ? which : join(JOURNEYS_DIR, `${which}.journey.yaml`);
  if (!existsSync(file)) throw new Error(`no journey ${which} (looked for ${file})`);
  const result = checkJourneyFile(file);
  if (!result.ok) {
    for (const problem of result.problems) process.stderr.write(`${formatProblem(problem)}\n`);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(journeyMermaid(result.definition));
}

/** `journey schema`: writes `journeys/journey.schema.json` from the definition schema. */
export function runJourneySchema(): void {
  const file = join(JOURNEYS_DIR, 'journey.schema.json');
  writeFileSync(file, journeyJsonSchema());
  process.stdout.write(`wrote ${file}\n`);
}
