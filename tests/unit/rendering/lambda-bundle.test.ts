import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleData } from '#messaging/rendering/sample-data.ts';

const workDir = mkdtempSync(join(tmpdir(), 'render-bundle-'));

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('Bundle: functions/messaging/rendering/render.ts', () => {
  it('bundles as the Lambda does, without mjml, and renders in a plain Node process from the bundle alone', async () => {
    // Prepare: ServiceFunction's settings, less its `require` banner, so the renderer is shown not to need it.
    const bundlePath = join(workDir, 'render.mjs');
    const scriptPath = join(workDir, 'run.mjs');
    writeFileSync(
      scriptPath,
      `import { renderMessage } from './render.mjs';
const result = renderMessage('cart-abandonment.last-chance', JSON.parse(process.argv[2]));
process.stdout.write(JSON.stringify(result));`,
    );

    // Act
    const result = await build({
      entryPoints: ['functions/messaging/rendering/render.ts'],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node22',
      mainFields: ['module', 'main'],
      minify: true,
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    writeFileSync(bundlePath, result.outputFiles[0]?.text ?? '');
    // A separate process: vitest's module runner would supply a `require` that Lambda's ESM does not have.
    const output = execFileSync(
      process.execPath,
      [scriptPath, JSON.stringify(sampleData('cart-abandonment.last-chance'))],
      { cwd: workDir, encoding: 'utf8' },
    );

    // Assess
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.includes('node_modules/liquidjs/'))).toBe(true);
    expect(inputs.filter((input) => /node_modules\/(mjml|zod\/v4\/classic)/.test(input))).toEqual([]);
    const message = JSON.parse(output) as { ok: boolean; subject?: string; html?: string };
    expect(message).toMatchObject({ ok: true, subject: 'Last chance: 15% off your cart' });
    expect(message.html).toContain('CART15-9XW4RT');
  });
});
