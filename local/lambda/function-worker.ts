/**
 * One "container" of a local Lambda function: a worker thread with the function's own environment
 * and module cache, importing the same handler module the cloud bundle is built from.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';
import { installVirtualTime } from '#local/clock/install-virtual-time.ts';
import type { VirtualClockParameters } from '#local/clock/virtual-clock.ts';

interface WorkerData {
  entry: string;
  functionName: string;
  timeoutMs: number;
  memoryMb: number;
  /** Present when the runtime runs on a sped-up clock: the handler's "now" is virtual time. */
  clock?: VirtualClockParameters;
}

export interface InvokeRequest {
  invocationId: number;
  event: unknown;
}

export type InvokeReply =
  | { invocationId: number; ok: true; result: unknown }
  | { invocationId: number; ok: false; error: { name: string; message: string; stack?: string } };

const { entry, functionName, timeoutMs, memoryMb, clock } = workerData as WorkerData;
const port = parentPort;
if (port === null) throw new Error('function-worker must run in a worker thread');

// Before the handler module is imported, so everything it loads sees virtual time. Timers stay real:
// SDK timeouts and retries must not shrink with the speed.
if (clock !== undefined) installVirtualTime(clock, { scaleTimers: false });

const module = (await import(pathToFileURL(entry).href)) as {
  handler: (event: unknown, context: unknown) => Promise<unknown>;
};

port.on('message', async ({ invocationId, event }: InvokeRequest) => {
  // Lambda's timeout is wall-clock time even when the handler's Date is virtual.
  const startedAt = performance.now();
  const context = {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, Math.round(timeoutMs - (performance.now() - startedAt))),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  try {
    const result = await module.handler(event, context);
    port.postMessage({ invocationId, ok: true, result } satisfies InvokeReply);
  } catch (error) {
    const { name = 'Error', message = String(error), stack } = error as Error;
    port.postMessage({
      invocationId,
      ok: false,
      error: { name, message, ...(stack && { stack }) },
    } satisfies InvokeReply);
  }
});
port.postMessage({ ready: true });
