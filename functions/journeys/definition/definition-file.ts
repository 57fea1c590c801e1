/**
 * A definition file (a journey, a segment): YAML to data, checked by its zod schema, each problem
 * naming the file, the line, the path inside the file and what is wrong. Pure: the text comes in.
 */
import { isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import type * as z from 'zod';

export interface DefinitionProblem {
  file: string;
  /** 1-based line in the file, when the path leads to one. */
  line?: number;
  /** Where inside the file, e.g. `steps[2].send.template`. */
  path: string;
  message: string;
}

export type PathPart = string | number;

/** `journeys/welcome.journey.yaml:12: steps[2].send.template: …`, as editors link it. */
export function formatProblem(problem: DefinitionProblem): string {
  return `${problem.file}${problem.line === undefined ? '' : `:${problem.line}`}: ${problem.path || '(file)'}: ${problem.message}`;
}

export type ReadResult<T> =
  | { ok: true; data: T; lineOf: (path: PathPart[]) => number | undefined }
  | { ok: false; problems: DefinitionProblem[] };

/**
 * Parses and checks a file. `describeIssue` may word an issue for its kind of file (e.g. a union of
 * step kinds); otherwise zod's message, or the unknown fields, are said.
 */
export function readDefinitionFile<T>(
  file: string,
  text: string,
  schema: z.ZodType<T>,
  describeIssue: (issue: z.core.$ZodIssue, parts: PathPart[]) => string | undefined = () => undefined,
): ReadResult<T> {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  const lineOf = (path: PathPart[]) => lineAt(document, lines, path);
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => ({
        file,
        ...(error.linePos?.[0] && { line: error.linePos[0].line }),
        path: '',
        message: `not valid YAML: ${error.message.split('\n')[0]}`,
      })),
    };
  }
  const parsed = schema.safeParse(document.toJS());
  if (parsed.success) return { ok: true, data: parsed.data, lineOf };
  return {
    ok: false,
    problems: parsed.error.issues.map((issue) => {
      const parts = issue.path.filter((part): part is PathPart => typeof part !== 'symbol');
      const line = lineOf(parts);
      return {
        file,
        ...(line !== undefined && { line }),
        path: pathText(parts),
        message:
          describeIssue(issue, parts) ??
          (issue.code === 'unrecognized_keys'
            ? `has unknown field(s) ${issue.keys.join(', ')}`
            : issue.message),
      };
    }),
  };
}

export function pathText(parts: PathPart[]): string {
  return parts
    .map((part, index) => (typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${part}`))
    .join('');
}

function lineAt(
  document: ReturnType<typeof parseDocument>,
  lines: LineCounter,
  path: PathPart[],
): number | undefined {
  let node: unknown = document.contents;
  let offset: number | undefined;
  for (const part of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === part);
      if (pair === undefined) break;
      offset = (pair.key as { range?: [number, number, number] }).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part] as { range?: [number, number, number] } | undefined;
      if (item === undefined) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  return offset === undefined ? undefined : lines.linePos(offset).line;
}
