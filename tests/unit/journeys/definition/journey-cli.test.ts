import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The CLI as a person runs it, through tsx in its own process, with no terminal attached. */
function journeys(...args: string[]) {
  const cli = new URL('../../../../local/cli/main.ts', import.meta.url).pathname;
  return spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8', stdio: 'pipe' });
}

describe('CLI: journey validate and journey graph', () => {
  it('validates the shipped journeys', () => {
    // Act
    const run = journeys('journey', 'validate');

    // Assess
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('cart-abandonment.journey.yaml: ok (6 steps)');
  });

  it('prints each problem with the file, the line and the path, and exits non-zero', () => {
    // Prepare
    const file = join(mkdtempSync(join(tmpdir(), 'journey-')), 'broken.journey.yaml');
    writeFileSync(
      file,
      [
        'id: broken',
        'name: Broken',
        'priority: 10',
        'trigger: { event: order.placed }',
        'subject: customer',
        'steps:',
        '  - wait: { for: soon }',
        '  - send: { template: nope.nothing }',
        '',
      ].join('\n'),
    );

    // Act: the schema's problems come first; what only a valid file can be checked for (the template) waits for them.
    const run = journeys('journey', 'validate', file);

    // Assess
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `${file}:7: steps[0].wait.for: "soon" is not a duration such as 30m, 23h, 3d or 2w`,
    );
    // The schema's problems come first; what only a valid file can be checked for (the template) waits.
    expect(run.stderr).toContain('1 problem');
  });

  it('prints a journey as a Mermaid flowchart', () => {
    // Act
    const run = journeys('journey', 'graph', 'welcome');

    // Assess
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^flowchart TD\n {2}start\(\["customer\.registered"\]\)/);
    expect(run.stdout).toContain('s5 --> finish');
  });
});
