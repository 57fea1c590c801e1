import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { documentClientFor, seedDemoStore } from '../demo-store.ts';
import { type LocalRuntime, startRuntime } from '../runtime.ts';
import type { SentMail } from '../ses/local-ses.ts';
import { LogFigures } from './log-figures.ts';
import { MailReactions } from './mail-reactions.ts';
import type { OperationCounts } from './operation-counts.ts';
import { postEvents } from './post-events.ts';
import { SyntheticShoppers } from './shoppers/shopper-model.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Billed duration assumed per invocation. Local durations depend on this machine's load (dynalite
 * shares the cores), so the estimate uses a fixed, conservative figure for handlers that make a few
 * DynamoDB or SES calls, and the report shows the locally measured mean next to it.
 */
export const ASSUMED_LAMBDA_MS = 100;
/** Shoppers act on whole minutes. */
const TICK_MS = 60_000;
/**
 * Shoppers' events go in a quarter of an hour at a time, together, a millisecond before the quarter
 * ends; timers fire at their own deadlines, one deadline at a time. Finer steps for events would cost
 * the same chain of work per step however little happens in it.
 */
const STEP_MS = 15 * 60_000;
/** A fixed Monday, so a seed means the same calendar (weekdays, DST) whatever today is. */
export const DEFAULT_SIMULATION_START = '2026-03-02T00:00:00.000Z';

export interface SimulationOptions {
  customers: number;
  days: number;
  seed: number;
  /** Virtual start (ISO). @default DEFAULT_SIMULATION_START */
  start?: string;
  /** Progress as the share of simulated time done (0..1). */
  onProgress?: (done: number) => void;
  /** Every log line the functions wrote (e.g. for a privacy check). */
  onLogLine?: (functionName: string, line: string) => void;
}

export interface SimulationRun {
  options: Required<Pick<SimulationOptions, 'customers' | 'days' | 'seed' | 'start'>>;
  shoppers: SyntheticShoppers;
  figures: LogFigures;
  counts: OperationCounts;
  /** Storefront events the API accepted, and those it refused (a generator bug if any). */
  events: { accepted: number; rejected: number; firstRejection: string | undefined };
  /** Executions started, over every journey: what "a journey run" costs. */
  journeyRuns: number;
  /** Distinct customers who entered a journey: Pinpoint's targeted endpoints. */
  audience: number;
  reactions: { opens: number; clicks: number };
  /** Real time and memory the run took on this machine, and the functions' mean local duration. */
  wall: { seconds: number; peakRssMb: number; lambdaMeanMs: number };
}

/**
 * Drives synthetic shoppers through the real local runtime on manual time. Each step moves the clock
 * to the end of the quarter hour in which the next thing is due — shoppers' events, a journey's timer,
 * a shopper opening a mail — and lets the runtime finish reacting before moving again. Within a step,
 * timers fire one deadline at a time; the step's events go in a millisecond before its end, after the
 * timers due before that. So a reminder may miss an order placed earlier in its quarter hour, but
 * which one happens first never depends on the machine.
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationRun> {
  const startIso = options.start ?? DEFAULT_SIMULATION_START;
  const start = Date.parse(startIso);
  if (Number.isNaN(start)) throw new RangeError(`--start is not a date: ${startIso}`);
  const end = start + options.days * DAY_MS;
  const wallStarted = performance.now();
  let peakRss = process.memoryUsage().rss;
  const figures = new LogFigures();
  const mails: SentMail[] = [];
  const runtime = await startRuntime({
    manualTime: { start },
    meterDynamoDb: true,
    // One container per function: calls of one function due at one instant then run in the order
    // the engine and the queues hand them over.
    functionConcurrency: 1,
    keepFinishedHistories: false,
    onLogLine: (name, line) => {
      figures.onLogLine(name, line);
      options.onLogLine?.(name, line);
    },
    onMailSent: (mail) => mails.push(mail),
    onRuntimeError: (error) => process.stderr.write(`simulate: runtime problem: ${String(error)}\n`),
  });
  try {
    const store = await seedDemoStore(runtime.urls.dynamodb, runtime.names.storesTable);
    const shoppers = new SyntheticShoppers({
      customers: options.customers,
      days: options.days,
      seed: options.seed,
      start,
      tickMs: TICK_MS,
    });
    const reactions = new MailReactions(runtime.urls.ses);
    const events = { accepted: 0, rejected: 0, firstRejection: undefined as string | undefined };
    const reactToMails = () => {
      // Sorted, because the order mails arrive in within one step is the machine's, not the seed's.
      const batch = mails.splice(0).sort(byRecipientAndJourney);
      for (const mail of batch) {
        const recipient = mail.to[0];
        if (recipient === undefined) continue;
        reactions.plan(
          mail,
          shoppers.onMail({
            recipient,
            journey: mail.tags.journey ?? '',
            step: mail.tags.step ?? '',
            sentAt: runtime.clock.now(),
          }),
        );
      }
    };

    /**
     * Moves the clock to `target` one timer deadline at a time, letting the runtime finish each: two
     * journeys' timers due in the same step for one customer then act in deadline order, not in the
     * order this machine happens to run them (they may compete for one frequency-cap slot).
     */
    const runTimersThrough = async (target: number): Promise<number | undefined> => {
      for (;;) {
        const { nextTimerAt } = await runtime.quiesce();
        reactToMails();
        if (nextTimerAt === undefined || nextTimerAt > target) {
          if (target > runtime.clock.now()) runtime.advanceClock(target);
          return nextTimerAt;
        }
        runtime.advanceClock(Math.max(nextTimerAt, runtime.clock.now()));
      }
    };

    let nextTimerAt = await runTimersThrough(runtime.clock.now());
    for (;;) {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      const nextEventAt = shoppers.nextEventAt();
      const next = earliest(nextEventAt, nextTimerAt, reactions.nextAt());
      if (next === undefined) break;
      const step = start + Math.ceil((next - start) / STEP_MS) * STEP_MS;
      if (step >= end) break;
      if (nextEventAt !== undefined && nextEventAt <= step) {
        await runTimersThrough(step - 1);
        const result = await postEvents(
          runtime.urls.http,
          store.apiKey,
          shoppers.eventsDue(step).map((planned) => planned.event),
        );
        events.accepted += result.accepted;
        events.rejected += result.rejected;
        events.firstRejection ??= result.firstRejection;
      }
      await runTimersThrough(step);
      await reactions.fireDue(step);
      nextTimerAt = await runTimersThrough(step);
      options.onProgress?.((step - start) / (end - start));
    }
    await runtime.quiesce();
    options.onProgress?.(1);
    // Log lines travel from the function threads on streams; give the last ones a moment to land.
    await new Promise((resolve) => setTimeout(resolve, 250));
    return {
      options: { customers: options.customers, days: options.days, seed: options.seed, start: startIso },
      shoppers,
      figures,
      counts: operationCounts(runtime, figures, options.days),
      events,
      journeyRuns: Object.values(runtime.stepFunctions.stats()).reduce(
        (sum, machine) => sum + machine.executionsStarted,
        0,
      ),
      audience: await journeyAudience(runtime),
      reactions: { opens: reactions.opens, clicks: reactions.clicks },
      wall: {
        seconds: (performance.now() - wallStarted) / 1000,
        peakRssMb: Math.round(Math.max(peakRss, process.memoryUsage().rss) / (1024 * 1024)),
        lambdaMeanMs: meanLambdaMs(runtime),
      },
    };
  } finally {
    await runtime.close();
  }
}

function operationCounts(runtime: LocalRuntime, figures: LogFigures, days: number): OperationCounts {
  const usage = runtime.usage();
  const lambda = usage.lambda.reduce(
    (sum, fn) => ({
      invocations: sum.invocations + fn.invocations,
      gbSeconds: sum.gbSeconds + fn.invocations * (ASSUMED_LAMBDA_MS / 1000) * (fn.memoryMb / 1024),
    }),
    { invocations: 0, gbSeconds: 0 },
  );
  const resourcesOf = (type: string) => runtime.topology.resolver.ofType(type).length;
  return {
    days,
    httpApiRequests: usage.httpApiRequests,
    eventBridgeEvents: usage.eventBridgeEvents,
    lambda,
    stepFunctionsTransitions: usage.stepFunctionsTransitions,
    stepFunctionsByMachine: Object.fromEntries(
      Object.entries(runtime.stepFunctions.stats()).map(([machine, stats]) => [
        machine,
        { executions: stats.executionsStarted, transitions: stats.stateTransitions },
      ]),
    ),
    dynamodb: usage.dynamodb ?? { readRequestUnits: 0, writeRequestUnits: 0 },
    sqsRequests: usage.sqsRequests,
    sesMails: usage.sesMails,
    schedulerInvocations: usage.schedulerInvocations,
    cloudwatch: {
      customMetrics: figures.metricMonths(days),
      customMetricsByName: figures.metricMonthsByName(days),
      logBytes: figures.logBytes,
      dashboards: resourcesOf('AWS::CloudWatch::Dashboard'),
      alarms: resourcesOf('AWS::CloudWatch::Alarm'),
    },
  };
}

function meanLambdaMs(runtime: LocalRuntime): number {
  const { invocations, milliseconds } = runtime.usage().lambda.reduce(
    (sum, fn) => ({
      invocations: sum.invocations + fn.invocations,
      milliseconds: sum.milliseconds + fn.billedMilliseconds,
    }),
    { invocations: 0, milliseconds: 0 },
  );
  return invocations === 0 ? 0 : Math.round(milliseconds / invocations);
}

/** Customers with at least one journey entry, read from the messages table's entry items. */
async function journeyAudience(runtime: LocalRuntime): Promise<number> {
  const documents = documentClientFor(runtime.urls.dynamodb);
  const customers = new Set<string>();
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({
        TableName: runtime.names.messagesTable,
        FilterExpression: 'begins_with(sk, :entry)',
        ExpressionAttributeValues: { ':entry': 'ENTRY#' },
        ProjectionExpression: 'pk',
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) customers.add(String(item.pk));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return customers.size;
}

function earliest(...times: Array<number | undefined>): number | undefined {
  const defined = times.filter((time): time is number => time !== undefined);
  return defined.length === 0 ? undefined : Math.min(...defined);
}

function byRecipientAndJourney(a: SentMail, b: SentMail): number {
  const key = (mail: SentMail) =>
    `${mail.to[0] ?? ''}\u0000${mail.tags.journey ?? ''}\u0000${mail.tags.step ?? ''}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}
