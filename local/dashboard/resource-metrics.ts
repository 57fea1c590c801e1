/**
 * The AWS resources' own metrics (Lambda errors, DLQ depth, execution failures, API 4xx/5xx, SES
 * reputation), read from the local runtime's counters. The counters only count up, so the source keeps
 * timed samples of them: a metric over a window is the difference between two samples (or, for a
 * gauge such as a queue's depth, the highest sample in it).
 */
import type { ResourceMetric } from '#infra/dashboard/widget-model.ts';
import { assertUnreachable } from '#shared/errors.ts';
import type { MetricsStore } from './metrics-store.ts';

export type ResourceRole = ResourceMetric['role'];

export interface ResourceMetricsSource {
  /**
   * The metric over `[sinceMs, untilMs]` (virtual time): a count for counters, the highest reading
   * for gauges; reputation rates are running rates up to `untilMs`. Undefined when the local runtime
   * has no such metric (or, for a rate, nothing to compute it from yet).
   */
  value(
    role: ResourceRole,
    resource: string | undefined,
    metric: string,
    sinceMs: number,
    untilMs?: number,
  ): number | undefined;
}

/** The parts of the local runtime whose counters are read. */
export interface ResourceCounters {
  functions: Iterable<{ name: string; definition: { entry: string }; invocations: number; errors: number }>;
  deadLetterQueues: string[];
  queueCounts(name: string): { visible: number; inFlight: number; delayed: number };
  /** By state machine name. */
  stateMachineStats(): Record<
    string,
    { executionsStarted: number; succeeded: number; failed: number; timedOut: number; aborted: number }
  >;
  /** Absent until the runtime exposes its HTTP API's counters. */
  httpStats?: { count: number; '4xx': number; '5xx': number };
}

/** App metrics SES reputation is computed from locally (the engagement handler's names). */
export interface ReputationMetricNames {
  delivered: string;
  bounced: string;
  complained: string;
}

export const DEFAULT_REPUTATION_METRICS: ReputationMetricNames = {
  delivered: 'emailDelivered',
  bounced: 'emailBounced',
  complained: 'emailComplained',
};

type Readings = Map<string, number>;

/** Counter (or gauge) names per role, as CloudWatch names them, to what the local runtime counts. */
const FUNCTION_METRICS: Record<string, 'invocations' | 'errors' | 'throttles'> = {
  Invocations: 'invocations',
  Errors: 'errors',
  // A local function waits for a free container instead of refusing the invocation.
  Throttles: 'throttles',
};
const QUEUE_METRICS: Record<string, 'visible' | 'inFlight' | 'delayed'> = {
  ApproximateNumberOfMessagesVisible: 'visible',
  ApproximateNumberOfMessagesNotVisible: 'inFlight',
  ApproximateNumberOfMessagesDelayed: 'delayed',
};
const EXECUTION_METRICS: Record<
  string,
  'executionsStarted' | 'succeeded' | 'failed' | 'timedOut' | 'aborted'
> = {
  ExecutionsStarted: 'executionsStarted',
  ExecutionsSucceeded: 'succeeded',
  ExecutionsFailed: 'failed',
  ExecutionsTimedOut: 'timedOut',
  ExecutionsAborted: 'aborted',
};
const API_METRICS: Record<string, 'count' | '4xx' | '5xx'> = {
  Count: 'count',
  '4xx': '4xx',
  '5xx': '5xx',
  '4XXError': '4xx',
  '5XXError': '5xx',
};
/** Keeps memory bounded on a long `npm start` (a sample a second is about 14 hours). */
const MAX_SAMPLES = 50_000;

export class LocalResourceMetrics implements ResourceMetricsSource {
  readonly #samples: Array<{ at: number; readings: Readings }> = [];

  constructor(
    private readonly counters: ResourceCounters,
    private readonly options: {
      metrics: MetricsStore;
      /** Virtual now. */
      now: () => number;
      reputation?: ReputationMetricNames;
    },
  ) {}

  /** Records the counters as they are now; call it every few (real) seconds. */
  sample(): void {
    const at = this.options.now();
    const last = this.#samples.at(-1);
    if (last !== undefined && last.at >= at) return;
    this.#samples.push({ at, readings: this.#read() });
    if (this.#samples.length > MAX_SAMPLES) this.#samples.splice(0, this.#samples.length - MAX_SAMPLES);
  }

  value(
    role: ResourceRole,
    resource: string | undefined,
    metric: string,
    sinceMs: number,
    untilMs = this.options.now(),
  ): number | undefined {
    if (role === 'ses-reputation') return this.#reputation(metric, untilMs);
    const keys = this.#keys(role, resource, metric);
    // An unknown metric, or a resource this runtime does not have.
    if (keys === undefined || keys.length === 0) return undefined;
    if (role === 'dead-letter-queue') return this.#highest(keys, sinceMs, untilMs);
    return sum(keys, this.#readingAt(untilMs)) - sum(keys, this.#readingAt(sinceMs));
  }

  /** Keys of the readings a (role, resource, metric) adds up; undefined for an unknown metric. */
  #keys(role: ResourceRole, resource: string | undefined, metric: string): string[] | undefined {
    const matches = (name: string, aliases: string[]) =>
      resource === undefined || name === resource || aliases.some((alias) => alias === resource);
    switch (role) {
      case 'function': {
        const counter = named(FUNCTION_METRICS, metric);
        if (counter === undefined) return undefined;
        return [...this.counters.functions]
          .filter((fn) => matches(fn.name, functionAliases(fn.name, fn.definition.entry)))
          .map((fn) => `function|${fn.name}|${counter}`);
      }
      case 'dead-letter-queue': {
        const count = named(QUEUE_METRICS, metric);
        if (count === undefined) return undefined;
        return this.counters.deadLetterQueues
          .filter((name) => matches(name, [withoutHash(name)]))
          .map((name) => `queue|${name}|${count}`);
      }
      case 'state-machine': {
        const counter = named(EXECUTION_METRICS, metric);
        if (counter === undefined) return undefined;
        return Object.keys(this.counters.stateMachineStats())
          .filter((name) => matches(name, stateMachineAliases(name)))
          .map((name) => `state-machine|${name}|${counter}`);
      }
      case 'ingest-api': {
        const counter = named(API_METRICS, metric);
        if (counter === undefined || this.counters.httpStats === undefined) return undefined;
        return [`api|${counter}`];
      }
      case 'ses-reputation':
        return undefined;
      default:
        return assertUnreachable(role);
    }
  }

  #read(): Readings {
    const readings: Readings = new Map();
    for (const fn of this.counters.functions) {
      readings.set(`function|${fn.name}|invocations`, fn.invocations);
      readings.set(`function|${fn.name}|errors`, fn.errors);
      readings.set(`function|${fn.name}|throttles`, 0);
    }
    for (const name of this.counters.deadLetterQueues) {
      for (const [count, value] of Object.entries(this.counters.queueCounts(name))) {
        readings.set(`queue|${name}|${count}`, value);
      }
    }
    for (const [name, stats] of Object.entries(this.counters.stateMachineStats())) {
      for (const counter of Object.values(EXECUTION_METRICS)) {
        readings.set(`state-machine|${name}|${counter}`, stats[counter]);
      }
    }
    const http = this.counters.httpStats;
    if (http !== undefined) {
      readings.set('api|count', http.count);
      readings.set('api|4xx', http['4xx']);
      readings.set('api|5xx', http['5xx']);
    }
    return readings;
  }

  /**
   * Counters as they were at `at`: the last sample at or before it (live values when `at` is now or
   * later); before the first sample, their start (all zero).
   */
  #readingAt(at: number): Readings {
    if (at >= this.options.now()) return this.#read();
    return this.#samples[this.#firstAfter(at) - 1]?.readings ?? new Map();
  }

  #highest(keys: string[], sinceMs: number, untilMs: number): number {
    let highest = 0;
    for (let index = this.#firstAfter(sinceMs - 1); index < this.#samples.length; index += 1) {
      const sample = this.#samples[index] as { at: number; readings: Readings };
      if (sample.at > untilMs) break;
      highest = Math.max(highest, sum(keys, sample.readings));
    }
    const now = this.options.now();
    if (untilMs >= now && sinceMs <= now) highest = Math.max(highest, sum(keys, this.#read()));
    return highest;
  }

  /** Index of the first sample taken after `at` (samples are in time order). */
  #firstAfter(at: number): number {
    let low = 0;
    let high = this.#samples.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.#samples[middle] as { at: number }).at <= at) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Like SES's, a running rate over all the mail so far rather than a rate per period. */
  #reputation(metric: string, untilMs: number): number | undefined {
    const names = this.options.reputation ?? DEFAULT_REPUTATION_METRICS;
    const total = (name: string) =>
      this.options.metrics.aggregate({ name }, 'Sum', Number.NEGATIVE_INFINITY, untilMs + 1) ?? 0;
    const delivered = total(names.delivered);
    const bounced = total(names.bounced);
    // Like SES, no rate at all before anything was delivered.
    switch (metric) {
      case 'Reputation.BounceRate':
        // Of the mails SES tried to deliver: a bounced mail was never delivered.
        return delivered + bounced === 0 ? undefined : bounced / (delivered + bounced);
      case 'Reputation.ComplaintRate':
        return delivered === 0 ? undefined : total(names.complained) / delivered;
      default:
        return undefined;
    }
  }
}

/** `table[name]` for the table's own entries only (never `toString` and friends). */
function named<T>(table: Record<string, T>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

function sum(keys: string[], readings: Readings): number {
  return keys.reduce((total, key) => total + (readings.get(key) ?? 0), 0);
}

/** `OwnEventsFunction02654A54` → `OwnEventsFunction`: CDK's hash suffix on construct ids. */
function withoutHash(name: string): string {
  return name.replace(/[0-9A-F]{8}$/, '');
}

/** A function is named by its entry file (`functions/journeys/handlers/journey-step.ts`, `journey-step`) or construct id. */
function functionAliases(logicalId: string, entry: string): string[] {
  const file = entry.replaceAll('\\', '/');
  const base = file.slice(file.lastIndexOf('/') + 1);
  const fromFunctions = file.includes('/functions/') ? file.slice(file.lastIndexOf('/functions/') + 1) : file;
  return [withoutHash(logicalId), fromFunctions, base, base.replace(/\.ts$/, '')];
}

/** `JourneysWelcomeJourneyC6644D5F` is named `welcome`, `WelcomeJourney` or by its full construct id. */
function stateMachineAliases(name: string): string[] {
  const bare = withoutHash(name);
  const construct = bare.replace(/^Journeys/, '');
  const journey = construct
    .replace(/Journey$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
  return [bare, construct, journey];
}
