/**
 * A segment as marketers write it, one per file (`segments/<id>.segment.yaml`): an id, a name and a
 * condition in the journeys' condition language over the customer's profile and mail history.
 *
 * ```yaml
 * id: lapsed-tea-lovers
 * name: Tea lovers without an order in 60 days
 * where:
 *   profile.categoryAffinity.tea: { gte: 3 }
 *   profile.lifecycle.lastOrderAt: { notWithin: 60d }
 * ```
 */
import * as z from 'zod';
import { type Condition, conditionSchema, pathsOf } from '#journeys/definition/conditions.ts';
import { type DefinitionProblem, readDefinitionFile } from '#journeys/definition/definition-file.ts';

/** What a segment's condition can read: the profile and the mail history; there is no triggering event. */
export const SEGMENT_ROOTS = ['profile', 'messages'] as const;

export const segmentDefinitionSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and dashes'),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).optional(),
  where: conditionSchema,
});
export type SegmentDefinition = z.infer<typeof segmentDefinitionSchema> & { where: Condition };

export type SegmentLoadResult =
  | { ok: true; definition: SegmentDefinition }
  | { ok: false; problems: DefinitionProblem[] };

export function loadSegment(file: string, text: string): SegmentLoadResult {
  const read = readDefinitionFile(file, text, segmentDefinitionSchema);
  if (!read.ok) return read;
  const { data: definition, lineOf } = read;
  const problems: DefinitionProblem[] = [];
  const at = (path: Array<string | number>) => {
    const line = lineOf(path);
    return line === undefined ? {} : { line };
  };
  for (const path of pathsOf(definition.where)) {
    const root = path.split('.')[0] ?? '';
    if (!(SEGMENT_ROOTS as readonly string[]).includes(root)) {
      problems.push({
        file,
        ...at(['where']),
        path: 'where',
        message: `reads ${path}: a segment reads profile.… or messages.… (there is no triggering event)`,
      });
    }
  }
  const expected = file.replace(/^.*\//, '').replace(/\.segment\.ya?ml$/, '');
  if (/\.segment\.ya?ml$/.test(file) && expected !== definition.id) {
    problems.push({
      file,
      ...at(['id']),
      path: 'id',
      message: `is ${definition.id}, but the file is named for ${expected}`,
    });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, definition };
}
