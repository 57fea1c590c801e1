import { postEvents } from '../ingest-client.ts';
import { auditProfiles } from '../profile-audit.ts';
import { type ReliabilityStack, startReliabilityStack } from '../reliability-stack.ts';
import { type RunReport, secondsSince } from '../report.ts';
import { generateShopStory } from '../shop-story.ts';
import { storyReport } from '../story-verdict.ts';

export interface LoadOptions {
  events: number;
  seed: number;
  onProgress?: (message: string) => void;
}

export const LOAD_DEFAULTS: LoadOptions = { events: 100_000, seed: 1 };

const SETTLE_REPORT_MS = 30_000;

/**
 * Load: the whole story through HTTP API → bus → queue → profile Lambda → DynamoDB, then every
 * accepted event must be in its person's profile once and every order count and revenue exact.
 */
export async function runLoad(options: LoadOptions = LOAD_DEFAULTS): Promise<RunReport> {
  const started = performance.now();
  const start = Date.now();
  const story = generateShopStory({
    seed: options.seed,
    events: options.events,
    startAt: start - options.events * 1000,
  });
  // Manual time holds the journey runs the events start: the run measures the profile path, and
  // 100,000 executions waiting on their timers would only fill memory.
  const stack = await startReliabilityStack({
    manualTime: { start },
    functionConcurrency: 2,
    warm: ['own-events'],
  });
  try {
    const sendingStarted = performance.now();
    const posted = await postEvents(story.events, {
      url: stack.runtime.urls.http,
      apiKey: stack.credentials.apiKey,
      onProgress: progressEvery(options.events, options.onProgress),
    });
    await settleReporting(stack, options.onProgress);
    const eventsPerSecond = Math.round(options.events / secondsSince(sendingStarted));
    const audit = auditProfiles(await stack.profilesOf(story.people), story.people, posted.acceptedIds);
    const report = storyReport('load', posted, audit, stack);
    return {
      ...report,
      details: {
        ...report.details,
        'events per second (ingest to stored profiles)': eventsPerSecond,
        'journey runs started (held)': journeyRunsStarted(stack),
      },
      seconds: secondsSince(started),
    };
  } finally {
    await stack.close();
  }
}

export function journeyRunsStarted(stack: ReliabilityStack): number {
  return Object.values(stack.runtime.stepFunctions.stats()).reduce(
    (sum, machine) => sum + machine.executionsStarted,
    0,
  );
}

/** A line every tenth of the way, so a run of minutes shows it is moving. */
export function progressEvery(total: number, report?: (message: string) => void): (sent: number) => void {
  let nextTenth = 1;
  return (sent) => {
    if (report === undefined || sent < (total * nextTenth) / 10) return;
    report(`${sent} of ${total} events sent`);
    nextTenth = Math.floor((sent * 10) / total) + 1;
  };
}

/** `settle()`, saying every so often how many messages the consumer queues still hold. */
export async function settleReporting(
  stack: ReliabilityStack,
  report: ((message: string) => void) | undefined,
): Promise<void> {
  const { queues, topology } = stack.runtime;
  // The queues a function consumes are the ones with a dead-letter queue.
  const consumed = topology.queues.filter((queue) => queue.redrive !== undefined).map((queue) => queue.name);
  const ticking = setInterval(() => {
    const waiting = consumed.reduce((sum, name) => {
      const { visible, inFlight, delayed } = queues.counts(name);
      return sum + visible + inFlight + delayed;
    }, 0);
    report?.(`${waiting} messages still queued`);
  }, SETTLE_REPORT_MS);
  try {
    await stack.runtime.settle();
  } finally {
    clearInterval(ticking);
  }
}
