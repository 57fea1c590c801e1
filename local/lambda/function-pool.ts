import { createInterface } from 'node:readline';
import { Worker } from 'node:worker_threads';
import type { VirtualClockParameters } from '#local/clock/virtual-clock.ts';
import { typeScriptWorkerExecArgv } from '#local/typescript-worker.ts';
import type { InvokeReply } from './function-worker.ts';

export interface LocalFunctionDefinition {
  /** The construct's logical id in the template, e.g. `OwnEventsFunction1A2B3C`. */
  logicalId: string;
  /** Absolute path of the handler module (the same file esbuild bundles for the cloud). */
  entry: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
}

export class FunctionInvocationError extends Error {
  constructor(
    readonly functionName: string,
    readonly errorName: string,
    message: string,
  ) {
    super(message);
    this.name = 'FunctionInvocationError';
  }
}

interface Container {
  worker: Worker;
  busy: boolean;
}

/**
 * Runs a function like Lambda does: each container handles one invocation at a time (so the
 * per-invocation logger context and metrics flush stay correct), and up to `maxConcurrency`
 * containers are started on demand.
 */
export class LocalFunction {
  private readonly containers: Container[] = [];
  private readonly waiting: Array<() => void> = [];
  private nextInvocationId = 1;
  invocations = 0;
  /** Invocations that ended in an error, as Lambda's `Errors` metric counts them. */
  errors = 0;
  coldStarts = 0;
  /** Sum of invocation durations, each rounded up to the millisecond as Lambda bills them. */
  billedMilliseconds = 0;
  /** Invocations accepted and not yet answered (running or waiting for a container). */
  active = 0;

  constructor(
    readonly definition: LocalFunctionDefinition,
    private readonly options: {
      maxConcurrency: number;
      baseEnvironment: Record<string, string>;
      /** Receives every line the function writes (its JSON logs and EMF metrics), as CloudWatch Logs would. */
      onLogLine: (functionName: string, line: string) => void;
      /** Virtual time for the handlers' `Date` (from `VirtualClock.parameters()`). @default - real time */
      clock?: VirtualClockParameters;
    },
  ) {}

  get name(): string {
    return this.definition.logicalId;
  }

  async invoke(event: unknown): Promise<unknown> {
    this.active += 1;
    try {
      const container = await this.acquire();
      this.invocations += 1;
      const started = performance.now();
      try {
        return await this.send(container, event);
      } catch (error) {
        this.errors += 1;
        throw error;
      } finally {
        this.billedMilliseconds += Math.ceil(performance.now() - started);
        container.busy = false;
        this.waiting.shift()?.();
      }
    } finally {
      this.active -= 1;
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.containers.map((container) => container.worker.terminate()));
    this.containers.length = 0;
  }

  private async acquire(): Promise<Container> {
    for (;;) {
      const idle = this.containers.find((container) => !container.busy);
      if (idle !== undefined) {
        idle.busy = true;
        return idle;
      }
      if (this.containers.length < this.options.maxConcurrency) {
        const container: Container = { worker: await this.start(), busy: true };
        this.containers.push(container);
        return container;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private async start(): Promise<Worker> {
    this.coldStarts += 1;
    const { entry, logicalId, environment, timeoutSeconds, memoryMb } = this.definition;
    const worker = new Worker(new URL('./function-worker.ts', import.meta.url), {
      workerData: {
        entry,
        functionName: logicalId,
        timeoutMs: timeoutSeconds * 1000,
        memoryMb,
        ...(this.options.clock !== undefined && { clock: this.options.clock }),
      },
      env: { ...this.options.baseEnvironment, ...environment },
      // The handler modules are TypeScript; tsx compiles them as esbuild does for the cloud bundle.
      execArgv: typeScriptWorkerExecArgv(),
      stdout: true,
      stderr: true,
    });
    for (const stream of [worker.stdout, worker.stderr]) {
      createInterface({ input: stream }).on('line', (line) => this.options.onLogLine(logicalId, line));
    }
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
    });
    return worker;
  }

  private send(container: Container, event: unknown): Promise<unknown> {
    const invocationId = this.nextInvocationId++;
    const { worker } = container;
    return new Promise((resolve, reject) => {
      const onMessage = (reply: InvokeReply) => {
        if (reply.invocationId !== invocationId) return;
        worker.off('message', onMessage);
        worker.off('error', onError);
        if (reply.ok) resolve(reply.result);
        else reject(new FunctionInvocationError(this.name, reply.error.name, reply.error.message));
      };
      const onError = (error: Error) => {
        worker.off('message', onMessage);
        this.containers.splice(this.containers.indexOf(container), 1);
        reject(new FunctionInvocationError(this.name, error.name, error.message));
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.postMessage({ invocationId, event: structuredClone(event) });
    });
  }
}
