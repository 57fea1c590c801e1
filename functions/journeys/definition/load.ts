/**
 * Reads and checks a journey file: YAML to data, the schema, then what a schema cannot say (ids
 * unique, every branch leads to a step that exists, templates that exist, every step reachable).
 * Each problem names the file, the line, the path inside the file and what is wrong. Pure: the text
 * comes in, so the CLI, the synth and the tests read files their own way.
 */
import type * as z from 'zod';
import { type DefinitionProblem, type PathPart, pathText, readDefinitionFile } from './definition-file.ts';
import {
  type JourneyDefinition,
  type JourneyNode,
  journeyDefinitionSchema,
  kindOf,
  NODE_KINDS,
} from './schema.ts';

export { formatProblem } from './definition-file.ts';
export type { DefinitionProblem };

export type LoadResult =
  | { ok: true; definition: ResolvedJourney }
  | { ok: false; problems: DefinitionProblem[] };

/** A valid definition whose every step has an id (given, or `<kind>-<position>`). */
export interface ResolvedJourney extends Omit<JourneyDefinition, 'steps'> {
  steps: Array<JourneyNode & { id: string }>;
}

export interface LoadOptions {
  /** Template ids that exist; a send naming another is a problem. */
  templates: readonly string[];
}

export function loadJourney(file: string, text: string, options: LoadOptions): LoadResult {
  const read = readDefinitionFile(file, text, journeyDefinitionSchema, journeyIssueMessage);
  if (!read.ok) return read;
  const { data: definition, lineOf } = read;
  const problems = semanticProblems(file, definition, options).map((problem) => ({
    ...problem,
    ...(lineOf(problem.pathParts) !== undefined && { line: lineOf(problem.pathParts) }),
  }));
  const expected = file.replace(/^.*\//, '').replace(/\.journey\.ya?ml$/, '');
  if (/\.journey\.ya?ml$/.test(file) && expected !== definition.id) {
    problems.unshift({
      file,
      path: 'id',
      message: `is ${definition.id}, but the file is named for ${expected}`,
      pathParts: ['id'],
      ...(lineOf(['id']) !== undefined && { line: lineOf(['id']) }),
    });
  }
  if (problems.length > 0)
    return { ok: false, problems: problems.map(({ pathParts: _parts, ...problem }) => problem) };
  return { ok: true, definition: withStepIds(definition) };
}

/** Steps without an id get `<kind>-<position>` (1-based), e.g. `wait-2`. */
export function withStepIds(definition: JourneyDefinition): ResolvedJourney {
  return {
    ...definition,
    steps: definition.steps.map((node, index) => ({
      ...node,
      id: node.id ?? `${kindOf(node)}-${index + 1}`,
    })),
  };
}

type Located = DefinitionProblem & { pathParts: PathPart[] };

function journeyIssueMessage(issue: z.core.$ZodIssue, parts: PathPart[]): string | undefined {
  if (issue.code === 'invalid_union') {
    const isStep = parts.length === 2 && parts[0] === 'steps';
    return isStep
      ? `is no step: it needs one of ${NODE_KINDS.join(', ')} (see journeys/journey.schema.json)`
      : 'matches none of the forms this field can take (see journeys/journey.schema.json)';
  }
  return undefined;
}

function semanticProblems(file: string, definition: JourneyDefinition, options: LoadOptions): Located[] {
  const problems: Located[] = [];
  const problem = (pathParts: PathPart[], message: string) =>
    problems.push({ file, path: pathText(pathParts), message, pathParts });
  const resolved = withStepIds(definition);
  const ids = new Map<string, number>();
  resolved.steps.forEach((node, index) => {
    if (ids.has(node.id))
      problem(['steps', index, 'id'], `${node.id} is also the id of steps[${ids.get(node.id)}]`);
    else ids.set(node.id, index);
  });
  const known = (id: string) => id === 'end' || ids.has(id);
  const targetsOf = (node: JourneyNode, index: number): Array<[PathPart[], string]> => {
    const at = (...parts: PathPart[]): PathPart[] => ['steps', index, ...parts];
    const found: Array<[PathPart[], string]> = [];
    if ('next' in node && node.next !== undefined) found.push([at('next'), node.next]);
    if ('split' in node) {
      for (const [b, branch] of node.split.entries()) {
        found.push([
          at('split', b, 'when' in branch ? 'to' : 'else'),
          'when' in branch ? branch.to : branch.else,
        ]);
      }
    }
    if ('randomSplit' in node) {
      for (const [b, branch] of node.randomSplit.entries())
        found.push([at('randomSplit', b, 'to'), branch.to]);
    }
    if ('waitFor' in node) {
      if (node.waitFor.onEvent !== undefined) found.push([at('waitFor', 'onEvent'), node.waitFor.onEvent]);
      found.push([at('waitFor', 'onTimeout'), node.waitFor.onTimeout]);
    }
    return found;
  };
  resolved.steps.forEach((node, index) => {
    for (const [path, target] of targetsOf(node, index)) {
      if (!known(target)) problem(path, `leads to ${target}, which is no step of this journey (nor end)`);
    }
    const sends: Array<[PathPart[], string]> =
      'send' in node
        ? [[['steps', index, 'send', 'template'], node.send.template]]
        : 'experiment' in node
          ? node.experiment.variants.map((variant, v) => [
              ['steps', index, 'experiment', 'variants', v, 'send', 'template'],
              variant.send.template,
            ])
          : [];
    for (const [path, template] of sends) {
      if (!options.templates.includes(template)) problem(path, `${template} is no template in templates/`);
    }
    if ('experiment' in node) {
      const variants = node.experiment.variants.map((variant) => variant.id);
      const repeated = variants.find((id, v) => variants.indexOf(id) !== v);
      if (repeated !== undefined)
        problem(['steps', index, 'experiment', 'variants'], `variant ${repeated} is named twice`);
    }
    if ('split' in node) {
      const elses = node.split.filter((branch) => 'else' in branch).length;
      const last = node.split.at(-1);
      if (elses > 1 || (elses === 1 && last !== undefined && !('else' in last)))
        problem(['steps', index, 'split'], 'may have one else, as its last branch');
    }
  });
  for (const unreachable of unreachableSteps(resolved)) {
    problem(['steps', ids.get(unreachable) ?? 0], `${unreachable} can never be reached`);
  }
  return problems;
}

/** Where each step can go: its branches, else the next step in the file (or nothing after exit). */
export function successorsOf(journey: ResolvedJourney, index: number): string[] {
  const node = journey.steps[index];
  if (node === undefined) return [];
  const following = journey.steps[index + 1]?.id ?? 'end';
  const next = 'next' in node && node.next !== undefined ? node.next : following;
  if ('exit' in node) return [];
  if ('split' in node)
    return node.split
      .map((branch) => ('when' in branch ? branch.to : branch.else))
      .concat(node.split.some((branch) => 'else' in branch) ? [] : [next]);
  if ('randomSplit' in node) return node.randomSplit.map((branch) => branch.to);
  if ('waitFor' in node) return [node.waitFor.onEvent ?? next, node.waitFor.onTimeout];
  return [next];
}

function unreachableSteps(journey: ResolvedJourney): string[] {
  const seen = new Set<string>();
  const queue = [journey.steps[0]?.id ?? 'end'];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    if (id === 'end' || seen.has(id)) continue;
    seen.add(id);
    const index = journey.steps.findIndex((node) => node.id === id);
    queue.push(...successorsOf(journey, index));
  }
  return journey.steps.map((node) => node.id).filter((id) => !seen.has(id));
}
