import { INGEST_LIMITS } from '#events/schemas.ts';

/** Requests in flight at once, as a storefront's few servers would send. */
const IN_FLIGHT = 4;

export interface PostResult {
  accepted: number;
  rejected: number;
  /** The API's answer to the first refused batch, to name the problem. */
  firstRejection: string | undefined;
}

/** Posts storefront events to the own-events API in full batches, a few requests at a time. */
export async function postEvents(httpUrl: string, apiKey: string, events: unknown[]): Promise<PostResult> {
  const result: PostResult = { accepted: 0, rejected: 0, firstRejection: undefined };
  const batches: unknown[][] = [];
  for (let index = 0; index < events.length; index += INGEST_LIMITS.ownBatchMaxEvents) {
    batches.push(events.slice(index, index + INGEST_LIMITS.ownBatchMaxEvents));
  }
  const post = async (batch: unknown[]) => {
    const response = await fetch(`${httpUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ events: batch }),
    });
    const text = await response.text();
    if (response.status === 202) {
      result.accepted += batch.length;
    } else {
      result.rejected += batch.length;
      result.firstRejection ??= `${response.status} ${text.slice(0, 500)}`;
    }
  };
  await Promise.all(
    Array.from({ length: Math.min(IN_FLIGHT, batches.length) }, async () => {
      for (let batch = batches.shift(); batch !== undefined; batch = batches.shift()) await post(batch);
    }),
  );
  return result;
}
