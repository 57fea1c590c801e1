import type { UnstampedEvent } from '#events/schemas.ts';

/** At most this many events per request, as POST /v1/events allows. */
export const EVENTS_PER_REQUEST = 100;

export interface StatusTally {
  requests: number;
  status2xx: number;
  status4xx: number;
  status5xx: number;
  /** Requests that got no HTTP answer at all (refused or reset connections). */
  networkErrors: number;
}

export interface PostResult extends StatusTally {
  /** Event deliveries the API took (a delivery of the same id twice counts twice). */
  accepted: number;
  acceptedIds: Set<string>;
  /** Ids the API refused for good: the story only holds valid events, so each is a finding. */
  refusedIds: Set<string>;
}

export interface PostOptions {
  url: string;
  apiKey: string;
  /** Requests in flight at once, as a storefront's few servers would send. @default 4 */
  inFlight?: number;
  /** Tries per request when the answer is 5xx or none (503 asks the client to retry). @default 6 */
  attempts?: number;
  onProgress?: (sentEvents: number) => void;
  /** Every HTTP answer's status, as it arrives. */
  onStatus?: (status: number) => void;
}

export function emptyTally(): StatusTally {
  return { requests: 0, status2xx: 0, status4xx: 0, status5xx: 0, networkErrors: 0 };
}

export function countStatus(tally: StatusTally, status: number): void {
  tally.requests += 1;
  if (status >= 500) tally.status5xx += 1;
  else if (status >= 400) tally.status4xx += 1;
  else if (status >= 200 && status < 300) tally.status2xx += 1;
}

export function batchesOf<T>(items: readonly T[], size = EVENTS_PER_REQUEST): T[][] {
  const batches: T[][] = [];
  for (let index = 0; index < items.length; index += size) batches.push(items.slice(index, index + size));
  return batches;
}

/**
 * Posts the events in order, `EVENTS_PER_REQUEST` a request, a few requests in flight. A 5xx or a
 * lost connection is retried with the same event ids, as the API asks; every 5xx is still counted.
 */
export async function postEvents(
  events: readonly UnstampedEvent[],
  options: PostOptions,
): Promise<PostResult> {
  const result: PostResult = {
    ...emptyTally(),
    accepted: 0,
    acceptedIds: new Set(),
    refusedIds: new Set(),
  };
  const attempts = options.attempts ?? 6;
  const queue = batchesOf(events);
  let sent = 0;
  const postBatch = async (batch: UnstampedEvent[]): Promise<void> => {
    for (let attempt = 1; attempt <= attempts; attempt += 1) {
      let response: Response;
      try {
        response = await fetch(`${options.url}/v1/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${options.apiKey}` },
          body: JSON.stringify({ events: batch }),
        });
      } catch {
        result.networkErrors += 1;
        await pause(250 * attempt);
        continue;
      }
      const body = (await response.json().catch(() => ({}))) as {
        rejected?: Array<{ index: number }>;
      };
      countStatus(result, response.status);
      options.onStatus?.(response.status);
      if (response.status >= 500) {
        await pause(250 * attempt);
        continue;
      }
      const rejected = new Set((body.rejected ?? []).map((item) => item.index));
      if (response.status >= 400 && rejected.size === 0) {
        // The whole request was refused (401, 413…): nothing in it was taken.
        for (const event of batch) result.refusedIds.add(event.id);
        return;
      }
      batch.forEach((event, index) => {
        if (rejected.has(index)) {
          result.refusedIds.add(event.id);
          return;
        }
        result.accepted += 1;
        result.acceptedIds.add(event.id);
      });
      return;
    }
    for (const event of batch) result.refusedIds.add(event.id);
  };
  await Promise.all(
    Array.from({ length: options.inFlight ?? 4 }, async () => {
      for (let batch = queue.shift(); batch !== undefined; batch = queue.shift()) {
        await postBatch(batch);
        sent += batch.length;
        options.onProgress?.(sent);
      }
    }),
  );
  return result;
}

export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
