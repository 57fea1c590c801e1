import { type BadRequest, badRequests } from '../bad-requests.ts';
import { countStatus, emptyTally } from '../ingest-client.ts';
import { startReliabilityStack } from '../reliability-stack.ts';
import { type RunReport, secondsSince } from '../report.ts';

export interface BadInputOptions {
  /** Requests to send (`--events` on the command line). */
  requests: number;
  seed: number;
}

export const BAD_INPUT_DEFAULTS: BadInputOptions = { requests: 10_000, seed: 5 };

/** Requests in flight: enough to keep both cores busy without queueing in the HTTP front door. */
const IN_FLIGHT = 8;
const LISTED_EXAMPLES = 10;

/**
 * Bad input: seeded malformed, mistyped, oversized, unauthenticated and badly signed requests on
 * every ingest route. Every answer must be a 4xx, and nothing may be written: no event on the bus, no
 * profile or message item, no runtime error.
 */
export async function runBadInput(options: BadInputOptions = BAD_INPUT_DEFAULTS): Promise<RunReport> {
  const started = performance.now();
  const stack = await startReliabilityStack({
    functionConcurrency: 2,
    warm: ['own-events', 'segment', 'shopify-webhook'],
  });
  try {
    const { runtime, credentials } = stack;
    const requests = badRequests({ ...credentials, storeId: stack.storeId }, options.requests, options.seed);
    const before = {
      busEvents: runtime.buses.stats.putEvents,
      profiles: await stack.itemCount(runtime.names.profilesTable),
      messages: await stack.itemCount(runtime.names.messagesTable),
    };
    const sendingStarted = performance.now();
    const tally = emptyTally();
    const byFamily = new Map<string, Map<number, number>>();
    const unexpected: string[] = [];
    const queue = [...requests];
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        for (let request = queue.shift(); request !== undefined; request = queue.shift()) {
          const status = await send(runtime.urls.http, request);
          countStatus(tally, status);
          const statuses = byFamily.get(request.family) ?? new Map<number, number>();
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          byFamily.set(request.family, statuses);
          if ((status < 400 || status >= 500) && unexpected.length < LISTED_EXAMPLES) {
            unexpected.push(
              `${status} for ${request.family} on ${request.path}: ${request.body.slice(0, 160)}`,
            );
          }
        }
      }),
    );
    const requestsPerSecond = Math.round(requests.length / secondsSince(sendingStarted));
    await runtime.settle();
    const after = {
      busEvents: runtime.buses.stats.putEvents,
      profiles: await stack.itemCount(runtime.names.profilesTable),
      messages: await stack.itemCount(runtime.names.messagesTable),
    };
    const notRefused = tally.requests - tally.status4xx - tally.status5xx;
    return {
      run: 'bad-input',
      figures: {
        eventsIn: requests.length,
        eventsStored: after.busEvents - before.busEvents,
        duplicates: 0,
        lost: 0,
        status4xx: tally.status4xx,
        status5xx: tally.status5xx,
      },
      details: {
        'answered other than 4xx or 5xx': notRefused,
        'requests per second': requestsPerSecond,
        'profile items before / after': `${before.profiles} / ${after.profiles}`,
        'message items before / after': `${before.messages} / ${after.messages}`,
        'runtime errors': stack.runtimeErrors.length,
        ...Object.fromEntries(
          [...byFamily]
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([family, statuses]) => [family, describe(statuses)]),
        ),
      },
      problems: [
        ...(notRefused > 0 ? [`${notRefused} bad requests were not refused`] : []),
        ...(after.busEvents > before.busEvents
          ? [`${after.busEvents - before.busEvents} events reached the bus`]
          : []),
        ...(after.profiles !== before.profiles ? ['the profiles table changed'] : []),
        ...(after.messages !== before.messages ? ['the messages table changed'] : []),
        ...(stack.runtimeErrors.length > 0 ? [`${stack.runtimeErrors.length} runtime errors`] : []),
        ...unexpected,
      ],
      seconds: secondsSince(started),
    };
  } finally {
    await stack.close();
  }
}

async function send(url: string, request: BadRequest): Promise<number> {
  const response = await fetch(`${url}${request.path}`, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
  });
  await response.arrayBuffer();
  return response.status;
}

/** `401×812, 400×3` */
function describe(statuses: Map<number, number>): string {
  const total = [...statuses.values()].reduce((sum, count) => sum + count, 0);
  const parts = [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`);
  return `${total} (${parts.join(', ')})`;
}
