import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as z from 'zod';
import type { DefinitionProblem } from '#journeys/definition/definition-file.ts';
import {
  loadSegment,
  type SegmentDefinition,
  segmentDefinitionSchema,
} from '#segments/definition/segment.ts';

/** The shipped segments and a store's own: one `<id>.segment.yaml` each. */
export const SEGMENTS_DIR = new URL('../../segments/', import.meta.url).pathname;

export function segmentFiles(dir = SEGMENTS_DIR): string[] {
  return readdirSync(dir)
    .filter((name) => /\.segment\.ya?ml$/.test(name))
    .sort()
    .map((name) => join(dir, name));
}

/** Checks one file; problems name it relative to the working directory when it is inside it. */
export function checkSegmentFile(
  file: string,
): { ok: true; definition: SegmentDefinition } | { ok: false; problems: DefinitionProblem[] } {
  const shown = relative(process.cwd(), file);
  return loadSegment(shown === '' || shown.startsWith('..') ? file : shown, readFileSync(file, 'utf8'));
}

/** The JSON Schema editors use for segment files (`segments/segment.schema.json`). */
export function segmentJsonSchema(): string {
  const schema = z.toJSONSchema(segmentDefinitionSchema, { io: 'input', unrepresentable: 'any' });
  return `${JSON.stringify({ ...schema, title: 'storefront-journeys segment definition' }, null, 2)}\n`;
}
