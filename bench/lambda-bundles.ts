import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type BuildOptions, build } from 'esbuild';
import { HANDLER_METADATA_KEY, PROJECT_ROOT } from '#infra/constructs/service-function.ts';
import { readTopology } from '#local/topology/read-topology.ts';
import { synthesizeTemplates } from '#local/topology/synthesize.ts';
import type { BaselineModule } from './baseline-module.ts';

/**
 * The bundling `ServiceFunction` (infra/constructs/service-function.ts) asks of `NodejsFunction`, as
 * esbuild build options. Keep the two in step.
 *
 * `@aws-sdk/*` is external because that is CDK's default for Node 18+ runtimes (cdk.json does not set the
 * flag that would also externalise `@smithy/*`): the cloud bundle leaves the SDK to the one the Lambda
 * runtime provides. Here the SDK resolves from the project's node_modules instead, for the function's
 * bundle and for its baseline alike, so both pay the same SDK load and the ratio shows what our own code
 * (Powertools, middy, zod, the handler's module scope) adds on top of it.
 */
export const CLOUD_BUNDLING = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  external: ['@aws-sdk/*'],
  banner: {
    js: "import { createRequire as __sjCreateRequire } from 'node:module'; const require = __sjCreateRequire(import.meta.url);",
  },
} satisfies BuildOptions;

/** Stand-ins for what CloudFormation resolves at deploy time (names, ARNs, URLs in the environment). */
const PLACEHOLDER_ENVIRONMENT = {
  account: '123456789012',
  region: 'us-east-1',
  sqsEndpoint: 'https://sqs.us-east-1.amazonaws.com',
  httpApiUrl: 'https://bench.execute-api.us-east-1.amazonaws.com',
};

export interface LambdaEntry {
  /** Short name from the entry path, e.g. `ingest/own-events`. */
  name: string;
  logicalId: string;
  /** Absolute path of the handler module. */
  entry: string;
  handler: string;
  /** The function's environment from the template, intrinsics resolved to plausible values. */
  environment: Record<string, string>;
  memoryMb: number;
}

/** Every function of the synthesized app that carries the ServiceFunction entry metadata. */
export function lambdaEntries(): LambdaEntry[] {
  const stacks = synthesizeTemplates();
  const topology = readTopology(stacks, PLACEHOLDER_ENVIRONMENT, PROJECT_ROOT);
  const resources = stacks.flatMap((stack) => Object.entries(stack.template.Resources ?? {}));
  return topology.functions.map((definition) => {
    const metadata = resources.find(([id]) => id === definition.logicalId)?.[1].Metadata;
    const handler = metadata?.[HANDLER_METADATA_KEY];
    return {
      name: shortName(relative(PROJECT_ROOT, definition.entry)),
      logicalId: definition.logicalId,
      entry: definition.entry,
      handler: typeof handler === 'string' ? handler : 'handler',
      environment: definition.environment,
      memoryMb: definition.memoryMb,
    };
  });
}

export function shortName(relativeEntry: string): string {
  const match = /^functions\/([^/]+)\/handlers\/(.+)\.ts$/.exec(relativeEntry);
  return match === null ? relativeEntry.replace(/\.ts$/, '') : `${match[1]}/${match[2]}`;
}

export interface Bundle {
  /** Absolute path of `index.mjs`. */
  file: string;
  bytes: number;
  sourceMapBytes: number;
  /** The SDK packages the bundle imports (left external). */
  sdkPackages: string[];
}

/** Bundles `entry` as the cloud does into `outdir/index.mjs` (with its source map). */
export async function bundleAsCloud(entry: string, outdir: string): Promise<Bundle> {
  const file = join(outdir, 'index.mjs');
  const result = await build({
    ...CLOUD_BUNDLING,
    entryPoints: [entry],
    outfile: file,
    absWorkingDir: PROJECT_ROOT,
    metafile: true,
    logLevel: 'error',
  });
  const output = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith('.mjs'))?.[1];
  if (output === undefined) throw new Error(`esbuild wrote no index.mjs for ${entry}`);
  const sdkPackages = output.imports
    .filter((imported) => imported.external && imported.path.startsWith('@aws-sdk/'))
    .map((imported) => imported.path.split('/').slice(0, 2).join('/'));
  return {
    file,
    bytes: statSync(file).size,
    sourceMapBytes: statSync(`${file}.map`).size,
    sdkPackages: [...new Set(sdkPackages)].sort(),
  };
}

/** Writes a baseline module and bundles it with the same options as the functions. */
export async function bundleBaseline(baseline: BaselineModule, outdir: string): Promise<Bundle> {
  mkdirSync(outdir, { recursive: true });
  const entry = join(outdir, 'baseline-source.mjs');
  writeFileSync(entry, baseline.source);
  return bundleAsCloud(entry, outdir);
}
