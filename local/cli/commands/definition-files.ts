import { existsSync } from 'node:fs';
import { type DefinitionProblem, formatProblem } from '#journeys/definition/definition-file.ts';

/**
 * Checks definition files (journeys, segments) and prints `file: ok (…)` or each problem as
 * `file:line: path: what is wrong`; exit code 1 when there is any.
 */
export function reportDefinitionFiles<T>(
  files: string[],
  check: (file: string) => { ok: true; definition: T } | { ok: false; problems: DefinitionProblem[] },
  describe: (definition: T) => string,
): void {
  let problems = 0;
  for (const file of files) {
    if (!existsSync(file)) {
      process.stderr.write(`${file}: no such file\n`);
      problems += 1;
      continue;
    }
    const result = check(file);
    if (result.ok) {
      process.stdout.write(`${file}: ok (${describe(result.definition)})\n`);
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
