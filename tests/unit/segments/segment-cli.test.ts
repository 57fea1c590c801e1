import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The CLI as a person runs it, through tsx in its own process, with no terminal attached. */
function journeys(...args: string[]) {
  const cli = new URL('../../../local/cli/main.ts', import.meta.url).pathname;
  return spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8', stdio: 'pipe' });
}

describe('CLI: segment validate', () => {
  it('validates the shipped segments', () => {
    const run = journeys('segment', 'validate');

    expect(run.status).toBe(0);
    expect(run.stdout).toContain('vip.segment.yaml: ok (VIPs)');
  });

  it('prints each problem with the file, the line and the path, and exits non-zero', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'segment-')), 'broken.segment.yaml');
    writeFileSync(
      file,
      ['id: broken', 'name: Broken', 'where:', '  profile.orderSummary.count: { atLeast: 2 }', ''].join('\n'),
    );

    const run = journeys('segment', 'validate', file);

    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${file}:4: where.profile.orderSummary.count: has unknown field(s) atLeast`);
    expect(run.stderr.trim().split('\n').at(-1)).toMatch(/^\d+ problems?$/);
  });
});
