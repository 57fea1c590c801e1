import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { baselineModule } from '../../../bench/baseline-module.ts';

const NODE_MODULES = fileURLToPath(new URL('../../../node_modules', import.meta.url));

/** Loads a generated module from a temporary folder whose node_modules is the project's, as the bench does. */
async function load(source: string): Promise<{ clients: object[]; handler: unknown }> {
  const folder = mkdtempSync(join(tmpdir(), 'baseline-module-test-'));
  try {
    symlinkSync(NODE_MODULES, join(folder, 'node_modules'), 'dir');
    const file = join(folder, 'baseline.mjs');
    writeFileSync(file, source);
    return (await import(pathToFileURL(file).href)) as { clients: object[]; handler: unknown };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe('Function: baselineModule', () => {
  it('constructs the document client over its DynamoDB client and one client per other SDK package', async () => {
    // Prepare
    const packages = ['@aws-sdk/lib-dynamodb', '@aws-sdk/client-sesv2', '@aws-sdk/client-dynamodb'];

    // Act
    const baseline = baselineModule(packages);
    const loaded = await load(baseline.source);

    // Assess
    expect(baseline.label).toBe('DynamoDB + DocumentClient, SESv2');
    expect(loaded.clients.map((client) => client.constructor.name)).toEqual([
      'DynamoDBClient',
      'DynamoDBDocumentClient',
      'SESv2Client',
    ]);
    expect(typeof loaded.handler).toBe('function');
  });

  it('constructs a plain DynamoDB client when the function does not use the document client', () => {
    // Act
    const baseline = baselineModule(['@aws-sdk/client-sfn', '@aws-sdk/client-dynamodb']);

    // Assess
    expect(baseline.label).toBe('DynamoDB, SFN');
    expect(baseline.source).not.toContain('DynamoDBDocumentClient');
    expect(baseline.source).toContain('new SFNClient({})');
  });

  it('fails on an SDK package it has no client for', () => {
    // Act & Assess
    expect(() => baselineModule(['@aws-sdk/client-s3'])).toThrow('no baseline client for @aws-sdk/client-s3');
  });
});
