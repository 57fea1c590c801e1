import { Server } from 'node:http';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type DeadLetterQueue, deadLetterQueuesOf } from '#local/dead-letter-queues.ts';
import { redriveDeadLetterQueues } from '#local/redrive.ts';
import type { LocalQueues } from '#local/sqs/queues.ts';
import { pause, postEvents } from '../ingest-client.ts';
import { auditProfiles } from '../profile-audit.ts';
import { type ReliabilityStack, startReliabilityStack } from '../reliability-stack.ts';
import { type RunReport, secondsSince } from '../report.ts';
import { generateShopStory } from '../shop-story.ts';
import { storyReport } from '../story-verdict.ts';
import { progressEvery } from './load.ts';

export interface OutageOptions {
  events: number;
  seed: number;
  /** How long DynamoDB is gone. @default 10 */
  outageSeconds?: number;
  onProgress?: (message: string) => void;
}

export const OUTAGE_DEFAULTS: OutageOptions = { events: 6000, seed: 4 };

/** Longer than any consumer queue's visibility timeout (the longest is 180 s): one shift makes a failed message visible again. */
const QUEUE_TIME_SHIFT_MS = 181_000;
/** During the outage failed messages come back quickly, so they use up their five receives and move to the DLQ. */
const OUTAGE_TICK_MS = 250;
/** Afterwards, messages that failed fewer than five times come back without waiting minutes of real time. */
const RECOVERY_TICK_MS = 2000;
const MAX_REDRIVE_ROUNDS = 5;
const AFTER_OUTAGE_GRACE_MS = 3000;

/**
 * Outage: a third of the way through the story the DynamoDB endpoint stops for ~10 s. Deliveries
 * that keep failing move to the dead-letter queues (queue time is moved on so they use up their
 * receives within the outage); afterwards the documented redrive (`local/redrive.ts`) brings them
 * back, and the profiles must hold every accepted event and the exact order counts and revenue.
 *
 * The functions keep the endpoint they were given, so the outage is dynalite's own HTTP server
 * refusing connections on that port and then listening on it again, its data untouched.
 */
export async function runOutage(options: OutageOptions = OUTAGE_DEFAULTS): Promise<RunReport> {
  const started = performance.now();
  const outageMs = (options.outageSeconds ?? 10) * 1000;
  const queueClock = new ShiftableClock();
  const stack = await startReliabilityStack({
    queueClock,
    functionConcurrency: 2,
    warm: ['own-events', 'journey-step'],
  });
  try {
    const story = generateShopStory({
      seed: options.seed,
      events: options.events,
      startAt: Date.now() - options.events * 1000,
    });
    const outageAt = Math.floor(options.events / 3);
    let outage: Promise<Outage> | undefined;
    // Ingest looks API keys up in DynamoDB (cached 60 s per container): a 5xx while it is down is the
    // API asking for a retry, which the client does; any other 5xx is a failure.
    const window = { dynamoDbDown: false, status5xxWhileDown: 0, status5xxOtherwise: 0 };
    const progress = progressEvery(options.events, options.onProgress);
    const posted = await postEvents(story.events, {
      url: stack.runtime.urls.http,
      apiKey: stack.credentials.apiKey,
      // The API asks for retries on 5xx; give it time to outlast the outage if it needs to.
      attempts: 20,
      onStatus: (status) => {
        if (status < 500) return;
        if (window.dynamoDbDown) window.status5xxWhileDown += 1;
        else window.status5xxOtherwise += 1;
      },
      onProgress: (sent) => {
        progress(sent);
        if (outage === undefined && sent >= outageAt) {
          options.onProgress?.(`DynamoDB stops for ${outageMs / 1000} s`);
          outage = stopDynamoDb(stack, queueClock, outageMs, window);
        }
      },
    });
    const { seconds } = await (outage ?? stopDynamoDb(stack, queueClock, outageMs, window));
    options.onProgress?.('DynamoDB is back; waiting for the queues, then redriving the dead-letter queues');

    const queues = stack.runtime.queues;
    const deadLetterQueues = deadLetterQueuesOf(stack.runtime.topology, queues);
    await settleMovingQueueTime(stack, queueClock);
    const inDeadLetterQueues = waiting(queues, deadLetterQueues);
    const sqs = new SQSClient({
      region: 'us-east-1',
      endpoint: stack.runtime.urls.sqs,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    let redriven = 0;
    try {
      for (
        let round = 0;
        round < MAX_REDRIVE_ROUNDS && total(waiting(queues, deadLetterQueues)) > 0;
        round += 1
      ) {
        const results = await redriveDeadLetterQueues(sqs, deadLetterQueues);
        redriven += results.reduce((sum, result) => sum + result.messages, 0);
        await settleMovingQueueTime(stack, queueClock);
      }
    } finally {
      sqs.destroy();
    }
    const leftInDeadLetterQueues = total(waiting(queues, deadLetterQueues));

    const journeyRunsThatFailed = journeyRunsFailed(stack);
    const audit = auditProfiles(await stack.profilesOf(story.people), story.people, posted.acceptedIds);
    const report = storyReport('outage', posted, audit, stack);
    return {
      ...report,
      figures: { ...report.figures, status5xx: window.status5xxOtherwise },
      details: {
        ...report.details,
        'outage seconds': seconds.toFixed(1),
        '5xx while DynamoDB was down (retried)': window.status5xxWhileDown,
        'journey runs failed': journeyRunsThatFailed,
        'messages in dead-letter queues before redrive': total(inDeadLetterQueues),
        ...Object.fromEntries(
          Object.entries(inDeadLetterQueues)
            .filter(([, count]) => count > 0)
            .map(([name, count]) => [`  ${name}`, count]),
        ),
        'messages redriven': redriven,
        'messages left in dead-letter queues': leftInDeadLetterQueues,
      },
      problems: [
        ...report.problems,
        ...(total(inDeadLetterQueues) === 0
          ? ['no delivery reached a dead-letter queue: the drill did not test the redrive']
          : []),
        ...(leftInDeadLetterQueues > 0
          ? [`${leftInDeadLetterQueues} messages still in dead-letter queues`]
          : []),
        // Journey steps retry a failing dependency for about a quarter of an hour; a run that failed
        // in a 10-second outage is a customer's journey lost.
        ...(journeyRunsThatFailed > 0 ? [`${journeyRunsThatFailed} journey runs failed`] : []),
      ],
      seconds: secondsSince(started),
    };
  } finally {
    await stack.close();
  }
}

interface Outage {
  seconds: number;
}

/**
 * Takes dynalite off the network for `outageMs` (queue time keeps moving meanwhile) and puts it back
 * on the same port. `DynaliteServer` can only `close()`, and that is no outage: it stops new
 * connections but serves the functions' keep-alive connections until they go idle (minutes under
 * load), then closes the database for good, and a request still in flight then throws "Database is
 * closed" out of dynalite and ends the process. So the drill reaches dynalite's HTTP server itself
 * (it runs in this process, found among the process's handles), stops it listening and drops its
 * connections with Node's own `http.Server` methods — not dynalite's `close`, which would close the
 * database — and listens again afterwards. The data stays in memory throughout.
 */
async function stopDynamoDb(
  stack: ReliabilityStack,
  queueClock: ShiftableClock,
  outageMs: number,
  window: { dynamoDbDown: boolean },
): Promise<Outage> {
  const { port } = stack.runtime.dynamodb;
  const server = dynaliteHttpServer(port);
  if (server === undefined) throw new Error(`no HTTP server of this process listens on port ${port}`);
  const ticking = setInterval(() => queueClock.shift(QUEUE_TIME_SHIFT_MS), OUTAGE_TICK_MS);
  window.dynamoDbDown = true;
  const stoppedAt = performance.now();
  try {
    const stopped = new Promise<void>((resolve) => Server.prototype.close.call(server, () => resolve()));
    server.closeAllConnections();
    await stopped;
    await pause(Math.max(0, outageMs - (performance.now() - stoppedAt)));
  } finally {
    clearInterval(ticking);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const seconds = (performance.now() - stoppedAt) / 1000;
  // Requests that were waiting on the outage answer a moment after it ends.
  setTimeout(() => {
    window.dynamoDbDown = false;
  }, AFTER_OUTAGE_GRACE_MS);
  return { seconds };
}

function dynaliteHttpServer(port: number): Server | undefined {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  return handles.find((handle): handle is Server => {
    if (!(handle instanceof Server)) return false;
    const address = handle.address();
    return typeof address === 'object' && address?.port === port;
  });
}

function journeyRunsFailed(stack: ReliabilityStack): number {
  return Object.values(stack.runtime.stepFunctions.stats()).reduce(
    (sum, machine) => sum + machine.failed + machine.timedOut,
    0,
  );
}

async function settleMovingQueueTime(stack: ReliabilityStack, queueClock: ShiftableClock): Promise<void> {
  const ticking = setInterval(() => queueClock.shift(QUEUE_TIME_SHIFT_MS), RECOVERY_TICK_MS);
  try {
    await stack.runtime.settle();
  } finally {
    clearInterval(ticking);
  }
}

function waiting(queues: LocalQueues, deadLetterQueues: DeadLetterQueue[]): Record<string, number> {
  return Object.fromEntries(
    deadLetterQueues.map((queue) => {
      const { visible, inFlight, delayed } = queues.counts(queue.name);
      return [queue.name, visible + inFlight + delayed];
    }),
  );
}

function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

/** Queue time: real time plus the shifts the drill adds to end visibility timeouts early. */
class ShiftableClock {
  #shiftMs = 0;

  now(): number {
    return Date.now() + this.#shiftMs;
  }

  shift(milliseconds: number): void {
    this.#shiftMs += milliseconds;
  }
}
