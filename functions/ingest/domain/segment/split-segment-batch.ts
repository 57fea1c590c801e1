/**
 * Splits a Segment `/v1/batch` body into single messages. Only the envelope is checked here; each
 * message is judged on its own by `mapSegmentMessage`, because Segment drops a bad event from a
 * batch without rejecting the rest.
 */

/** "Each batch request can only have up to 2500 events" (Segment HTTP API docs). */
export const SEGMENT_BATCH_MAX_EVENTS = 2500;

/**
 * Batch-level fields each message inherits. `context` and `integrations` are Segment's documented
 * merge; `sentAt` is where Segment's own libraries (analytics-node) put the send time, and it is
 * the fallback for `occurredAt` when a message has no `timestamp`.
 */
const INHERITED_OBJECTS = ['context', 'integrations'] as const;

export function splitSegmentBatch(body: unknown): { messages: unknown[] } | { problems: string[] } {
  if (!isObject(body)) return { problems: ['(root): a batch body must be a JSON object'] };
  const { batch } = body;
  if (!Array.isArray(batch)) return { problems: ['batch: required (an array of messages)'] };
  if (batch.length > SEGMENT_BATCH_MAX_EVENTS) {
    return {
      problems: [
        `batch: ${batch.length} messages is more than Segment's limit of ${SEGMENT_BATCH_MAX_EVENTS}`,
      ],
    };
  }
  const problems = INHERITED_OBJECTS.filter((key) => body[key] != null && !isObject(body[key])).map(
    (key) => `${key}: must be an object`,
  );
  if (body.sentAt != null && typeof body.sentAt !== 'string') problems.push('sentAt: must be a string');
  if (problems.length > 0) return { problems };

  return { messages: batch.map((item) => inherit(item, body)) };
}

/** The message's own fields win: the batch sets defaults, one level deep, as Segment does. */
function inherit(item: unknown, body: Record<string, unknown>): unknown {
  if (!isObject(item)) return item;
  const merged: Record<string, unknown> = { ...item };
  for (const key of INHERITED_OBJECTS) {
    const shared = body[key];
    const own = item[key];
    if (!isObject(shared)) continue;
    merged[key] = isObject(own) ? { ...shared, ...own } : (own ?? shared);
  }
  if (merged.sentAt == null && typeof body.sentAt === 'string') merged.sentAt = body.sentAt;
  return merged;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
