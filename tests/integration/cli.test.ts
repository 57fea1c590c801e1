import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  scripts: Record<string, string>;
};

/**
 * Runs a command as a script or a person in a pipeline would: its own process, stdin closed
 * (/dev/null), stdout and stderr pipes, so no terminal anywhere.
 */
function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  const result = spawnSync(command, args, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  const stderrLines = result.stderr.split('\n').filter((line) => line !== '');
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, stderrLines };
}

const journeys = (...args: string[]) =>
  run(process.execPath, ['--import', 'tsx', join(ROOT, 'local/cli/main.ts'), ...args]);

describe('CLI: the process', () => {
  it('prints the version of package.json and exits 0', () => {
    // Act
    const result = journeys('--version');

    // Assess
    expect(result).toMatchObject({ status: 0, stdout: `${manifest.version}\n`, stderr: '' });
  });

  it.each([
    [
      ['send', 'signup', '--nope'],
      "journeys: unknown option '--nope'. See 'storefront-journeys send --help'.",
    ],
    [
      ['simulate', '--days'],
      "journeys: option '--days <count>' argument missing. See 'storefront-journeys simulate --help'.",
    ],
    [['frobnicate'], "journeys: unknown command 'frobnicate'. See 'storefront-journeys --help'."],
  ])('answers a usage error %j with one line on stderr and exit code 2, no stack trace', (argv, line) => {
    // Act
    const result = journeys(...argv);

    // Assess
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderrLines).toEqual([line]);
  });

  it('answers a failing command with "journeys: <message>" and exit code 1, no stack trace', () => {
    // Act
    const result = journeys('journey', 'graph', 'no-such-journey');

    // Assess
    expect(result.status).toBe(1);
    expect(result.stderrLines).toHaveLength(1);
    expect(result.stderrLines[0]).toMatch(/^journeys: no journey no-such-journey \(looked for .+\)$/);
  });

  it('keeps `npm run journeys -- <command>` working', () => {
    // Act
    const version = run('npm', ['run', '--silent', 'journeys', '--', '--version']);
    const usage = run('npm', ['run', '--silent', 'journeys', '--', 'send', 'signup', '--nope']);

    // Assess
    expect(version).toMatchObject({ status: 0, stdout: `${manifest.version}\n` });
    expect(usage.status).toBe(2);
    expect(usage.stderrLines).toEqual([
      "journeys: unknown option '--nope'. See 'storefront-journeys send --help'.",
    ]);
  });
});

describe('CLI: the storefront-journeys bin', () => {
  // npx and `npm exec` fall back to the registry for a name they cannot resolve, and, with no terminal
  // to ask, install and run that package: an unrelated package called `journeys` exists on npm. The
  // bin's name is the project's own, and the runs below may not reach a registry at all: npm is
  // offline, with an empty cache and a registry address nothing listens on.
  const cache = mkdtempSync(join(tmpdir(), 'npm-cache-'));
  const offline = {
    CI: 'true',
    npm_config_offline: 'true',
    npm_config_cache: cache,
    npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_update_notifier: 'false',
  };
  afterAll(() => rmSync(cache, { recursive: true, force: true }));

  it('is named storefront-journeys, never journeys, and points at a runnable launcher', () => {
    // Assess
    expect(Object.keys(manifest.bin)).toEqual(['storefront-journeys']);
    const launcher = join(ROOT, manifest.bin['storefront-journeys'] as string);
    expect(() => accessSync(launcher, constants.X_OK)).not.toThrow();
    expect(readFileSync(launcher, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    expect(manifest.scripts.journeys).toBe('tsx local/cli/main.ts');
  });

  it('runs with plain node, TypeScript and all, from a clean checkout after npm ci', () => {
    // Act
    const result = run(process.execPath, [
      join(ROOT, manifest.bin['storefront-journeys'] as string),
      '--help',
    ]);

    // Assess
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: storefront-journeys [options] [command]');
    expect(result.stdout).toContain('npx storefront-journeys <command>');
  });

  it('`npx storefront-journeys` resolves to this CLI without a terminal and without the registry', () => {
    // Act
    const result = run('npx', ['storefront-journeys', '--version'], { env: offline });

    // Assess
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(`${manifest.version}\n`);
  });

  it('`npx storefront-journeys` works from a folder of the project too, and shows its help', () => {
    // Act
    const result = run('npx', ['storefront-journeys', 'send', '--help'], {
      cwd: join(ROOT, 'local'),
      env: offline,
    });

    // Assess
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: storefront-journeys send [options] <kind>');
    expect(result.stdout).toContain(
      '$ storefront-journeys send signup --email sam@example.com --customer-id c-1',
    );
  });
});
