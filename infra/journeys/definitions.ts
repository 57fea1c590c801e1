/**
 * The journey files on disk: `journeys/<id>.journey.yaml`, read and checked with the definition
 * language's loader. Used by the synth, the CLI and the tests; the step code never reads files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as z from 'zod';
import { type DefinitionProblem, loadJourney, type ResolvedJourney } from '#journeys/definition/load.ts';
import { journeyDefinitionSchema } from '#journeys/definition/schema.ts';
import { templateIds } from '#messaging/rendering/template-catalog.ts';

/** The repository's journeys folder. */
export const JOURNEYS_DIR = new URL('../../journeys/', import.meta.url).pathname;

export function journeyFiles(dir = JOURNEYS_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => /\.journey\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

/** Checks one file; problems name it relative to the working directory when it is inside it. */
export function checkJourneyFile(
  file: string,
): { ok: true; definition: ResolvedJourney } | { ok: false; problems: DefinitionProblem[] } {
  const shown = relative(process.cwd(), file);
  return loadJourney(shown === '' || shown.startsWith('..') ? file : shown, readFileSync(file, 'utf8'), {
    templates: templateIds,
  });
}

export class InvalidJourneyDefinitionsError extends Error {
  override name = 'InvalidJourneyDefinitionsError';
  constructor(readonly problems: DefinitionProblem[]) {
    super(
      `journey definitions have problems:\n${problems.map((problem) => `  ${problem.file}:${problem.line ?? ''} ${problem.path}: ${problem.message}`).join('\n')}`,
    );
  }
}

/** Every journey in the folder, or an error listing every problem of every file. */
export function loadJourneys(dir = JOURNEYS_DIR): ResolvedJourney[] {
  const results = journeyFiles(dir).map(checkJourneyFile);
  const problems = results.flatMap((result) => (result.ok ? [] : result.problems));
  if (problems.length > 0) throw new InvalidJourneyDefinitionsError(problems);
  return results.flatMap((result) => (result.ok ? [result.definition] : []));
}

/** The JSON Schema editors use to complete and check journey files (`journeys/journey.schema.json`). */
export function journeyJsonSchema(): string {
  const schema = z.toJSONSchema(journeyDefinitionSchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'storefront-journeys journey definition' }, null, 2)}\n`;
}
