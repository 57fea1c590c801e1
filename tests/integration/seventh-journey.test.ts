import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '#local/runtime.ts';

const FIXTURE = join(PROJECT_ROOT, 'tests', 'fixtures', 'seventh-journey');
/** Not part of the project a store would copy, or rebuilt from it. */
const LEFT_OUT = new Set(['node_modules', '.git', 'cdk.out', '.local-data', 'coverage', 'artifacts']);

/** Runs a TypeScript file of the copy with the project's Node and tsx, as its npm scripts do. */
function runIn(copy: string, file: string, args: string[] = []) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: copy,
    encoding: 'utf8',
    timeout: 240_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * A store adds a journey by adding files: a definition and its templates. This copies the project,
 * adds exactly those (the fixture's files and one entry in templates/templates.json), regenerates the
 * compiled templates as `npm run templates` does, and runs the copy's local stack.
 */
describe('A seventh journey from a definition and its templates only', () => {
  let copy: string;
  let result: { journeys: string[]; mails: Array<Record<string, unknown>>; runtimeErrors: string[] };
  let validation: ReturnType<typeof runIn>;

  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'storefront-journeys-seventh-'));
    cpSync(PROJECT_ROOT, copy, {
      recursive: true,
      filter: (source) =>
        !relative(PROJECT_ROOT, source)
          .split(sep)
          .some((part) => LEFT_OUT.has(part)),
    });
    symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');

    // The store's additions, and nothing else
    copyFileSync(
      join(FIXTURE, 'journeys', 'order-shipped.journey.yaml'),
      join(copy, 'journeys', 'order-shipped.journey.yaml'),
    );
    for (const part of ['order-shipped.on-its-way.mjml', 'order-shipped.on-its-way.txt.liquid'])
      copyFileSync(join(FIXTURE, 'templates', part), join(copy, 'templates', part));
    const catalogFile = join(copy, 'templates', 'templates.json');
    const catalog = {
      ...JSON.parse(readFileSync(catalogFile, 'utf8')),
      ...JSON.parse(readFileSync(join(FIXTURE, 'templates', 'catalog-entry.json'), 'utf8')),
    };
    writeFileSync(catalogFile, `${JSON.stringify(catalog, null, 2)}\n`);

    const build = runIn(copy, 'templates/build.ts');
    if (build.status !== 0) throw new Error(`npm run templates failed in the copy:\n${build.stderr}`);
    validation = runIn(copy, 'local/cli/main.ts', ['journey', 'validate']);
    copyFileSync(join(FIXTURE, 'drive.ts'), join(copy, 'drive-seventh-journey.ts'));
    const drive = runIn(copy, 'drive-seventh-journey.ts');
    const line = drive.stdout.split('\n').find((each) => each.startsWith('RESULT '));
    if (line === undefined) throw new Error(`the copy's stack gave no result:\n${drive.stderr}`);
    result = JSON.parse(line.slice('RESULT '.length));
  }, 300_000);
  afterAll(() => {
    if (copy !== undefined) rmSync(copy, { recursive: true, force: true });
  });

  it('validates the new definition with the shipped ones', () => {
    expect(validation.status).toBe(0);
  });

  it('compiles it to a seventh state machine and mails the shipped order through it', () => {
    expect(result.journeys).toEqual([
      'BrowseAbandonment',
      'CartAbandonment',
      'OrderShipped',
      'PostPurchase',
      'Replenishment',
      'Welcome',
      'WinBack',
    ]);
    expect(result.mails).toContainEqual({
      to: ['sam@example.com'],
      journey: 'order-shipped',
      step: 'on-its-way',
      shipped: true,
    });
    expect(result.runtimeErrors).toEqual([]);
  });
});
