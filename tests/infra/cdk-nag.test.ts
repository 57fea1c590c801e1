import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './test-app.ts';

/**
 * cdk-nag 3 is a policy-validation plugin, not an Aspect: findings are not Annotations
 * (`Annotations.fromStack(...).findError('*', ...)` never sees them). They come back from the pack's
 * `validateScope(app)` (what the plugin runs during synthesis) and land in the cloud assembly's
 * validation report. Acknowledgments are `Validations.of(construct).acknowledge({ id, reason })`.
 */
describe('cdk-nag: AwsSolutions', () => {
  let built: TestApp;
  let app: App;

  beforeAll(() => {
    // Prepare (once: synthesis bundles every function with esbuild), registered as infra/bin/app.ts does
    built = buildTestApp();
    app = built.app;
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  });
  afterAll(() => built?.dispose());

  it('reports no unacknowledged errors or warnings', () => {
    // Act
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const findings = report.violations.map(
      (v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );

    // Assess
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('synthesizes with the plugin registered and writes an empty validation report', () => {
    // Act
    const assembly = app.synth();
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: unknown[];
    };

    // Assess
    expect(report.pluginReports).toEqual([]);
  });

  it('gives every acknowledged finding a specific written reason', () => {
    // Act
    const acknowledgments = allConstructs(app).flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .flatMap((m) => Object.entries(m.data as Record<string, string>)),
    );
    const ids = new Set(acknowledgments.map(([id]) => id.replace(/^annotation::/i, '')));

    // Assess
    expect(ids).toEqual(
      new Set([
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-L1',
        'AwsSolutions-APIG4',
        'AwsSolutions-SQS3',
      ]),
    );
    for (const [, reason] of acknowledgments) expect(reason.length).toBeGreaterThan(80);
  });
});

function allConstructs(root: IConstruct): IConstruct[] {
  return root.node.findAll();
}
