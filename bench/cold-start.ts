import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '#infra/constructs/service-function.ts';
import { type BaselineModule, baselineModule } from './baseline-module.ts';
import { formatMilliseconds, formatSize } from './format.ts';
import {
  type Bundle,
  bundleAsCloud,
  bundleBaseline,
  type LambdaEntry,
  lambdaEntries,
} from './lambda-bundles.ts';
import { coldLoadMilliseconds, nodeVersion } from './module-load.ts';
import type { BenchSection } from './section.ts';
import { median, ratio } from './statistics.ts';

/**
 * What Lambda puts in a function's environment besides the function's own variables. With
 * `AWS_EXECUTION_ENV` set, the Powertools tracer is enabled and patches http(s) and fetch at load, as in
 * the cloud; `LAMBDA_TASK_ROOT` puts the X-Ray SDK in its Lambda mode; the daemon address is loopback
 * (nothing is sent at load). The credentials are dummies: constructing a client reads none.
 */
function lambdaEnvironment(entry: LambdaEntry, taskRoot: string): Record<string, string> {
  return {
    ...entry.environment,
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_SESSION_TOKEN: 'bench',
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    AWS_LAMBDA_FUNCTION_NAME: entry.logicalId,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(entry.memoryMb),
    AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    AWS_XRAY_DAEMON_ADDRESS: '127.0.0.1:2000',
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    LAMBDA_TASK_ROOT: taskRoot,
    TZ: ':UTC',
  };
}

interface Prepared {
  entry: LambdaEntry;
  bundle: Bundle;
  baseline: { module: BaselineModule; bundle: Bundle };
}

/**
 * For each Lambda bundle: its size and its cold module-load time in a fresh Node process, next to a
 * baseline bundle that only constructs the same SDK clients. The ratio is the figure: how much slower the
 * function's init is than the SDK it cannot do without.
 */
export const coldStartSection: BenchSection = {
  name: 'cold-start',
  title: 'cold start',
  run: async ({ runs }) => {
    const root = mkdtempSync(join(tmpdir(), 'storefront-journeys-bench-'));
    try {
      // The bundles leave `@aws-sdk/*` external; Node finds it by walking up from the bundle to this link.
      symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
      const prepared = await prepare(root);
      const functions = [];
      for (const { entry, bundle, baseline } of prepared) {
        const loads: number[] = [];
        const baselineLoads: number[] = [];
        for (let index = 0; index < runs; index += 1) {
          // Interleaved, so a burst of other work on the shared machine hits both sides alike.
          loads.push(
            await coldLoadMilliseconds({
              file: bundle.file,
              handler: entry.handler,
              environment: lambdaEnvironment(entry, dirname(bundle.file)),
            }),
          );
          baselineLoads.push(
            await coldLoadMilliseconds({
              file: baseline.bundle.file,
              handler: 'handler',
              environment: lambdaEnvironment(entry, dirname(baseline.bundle.file)),
            }),
          );
        }
        const loadMs = round(median(loads));
        const baselineLoadMs = round(median(baselineLoads));
        functions.push({
          name: entry.name,
          logicalId: entry.logicalId,
          bundleBytes: bundle.bytes,
          sourceMapBytes: bundle.sourceMapBytes,
          sdkPackages: bundle.sdkPackages,
          loadMs,
          loadSamplesMs: loads.map(round),
          baseline: {
            clients: baseline.module.label,
            bundleBytes: baseline.bundle.bytes,
            loadMs: baselineLoadMs,
            loadSamplesMs: baselineLoads.map(round),
          },
          ratio: ratio(loadMs, baselineLoadMs, 2),
        });
      }
      return {
        figures: { node: await nodeVersion(), runsPerBundle: runs, functions },
        rows: functions.map((fn) => ({
          figure: `${fn.name} · ${formatSize(fn.bundleBytes)}`,
          value: formatMilliseconds(fn.loadMs),
          alongside: `${fn.baseline.clients} only: ${formatMilliseconds(fn.baseline.loadMs)} · ${formatSize(fn.baseline.bundleBytes)}`,
          ratio: `${fn.ratio.toFixed(2)}×`,
        })),
      };
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
};

/** Bundles every function, and one baseline per distinct set of SDK packages. */
async function prepare(root: string): Promise<Prepared[]> {
  const baselines = new Map<string, Prepared['baseline']>();
  const prepared: Prepared[] = [];
  for (const entry of lambdaEntries()) {
    const bundle = await bundleAsCloud(entry.entry, join(root, 'functions', entry.name));
    const key = bundle.sdkPackages.join(' ');
    let baseline = baselines.get(key);
    if (baseline === undefined) {
      const module = baselineModule(bundle.sdkPackages);
      baseline = {
        module,
        bundle: await bundleBaseline(module, join(root, 'baselines', String(baselines.size))),
      };
      baselines.set(key, baseline);
    }
    prepared.push({ entry, bundle, baseline });
  }
  return prepared;
}

function round(milliseconds: number): number {
  return Number(milliseconds.toFixed(1));
}
