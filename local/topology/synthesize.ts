import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '#infra/app-factory.ts';
import type { StackTemplate } from './intrinsics.ts';

/**
 * Synthesizes the very CDK app `cdk deploy` ships (without bundling the Lambda code, which the local
 * runtime runs from source) and returns its CloudFormation templates.
 */
export function synthesizeTemplates(): StackTemplate[] {
  const outdir = mkdtempSync(join(tmpdir(), 'storefront-journeys-synth-'));
  try {
    const { app } = createApp({ bundle: false, outdir });
    const assembly = app.synth();
    return assembly.stacks.map((stack) => ({ stackName: stack.stackName, template: stack.template }));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
