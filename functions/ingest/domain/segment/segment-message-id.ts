/**
 * The de-duplication key of a Segment message. Segment de-duplicates by `messageId`; hand-written
 * HTTP calls often leave it out, so the id is then derived from the content: a retried identical
 * body maps to the same id and downstream drops the duplicate.
 */
import { createHash } from 'node:crypto';

/**
 * Not part of the fact, so not part of the hash: `writeKey` is a credential that can be rotated,
 * and `sentAt` is stamped per delivery attempt (analytics-node re-stamps it on every retry).
 */
const EXCLUDED_FIELDS = new Set(['writeKey', 'sentAt']);

export function segmentMessageId(message: Record<string, unknown>): string {
  if (typeof message.messageId === 'string' && message.messageId.trim() !== '')
    return message.messageId.trim();
  const fact = Object.fromEntries(Object.entries(message).filter(([key]) => !EXCLUDED_FIELDS.has(key)));
  return `segment:sha256:${createHash('sha256').update(stableJson(fact)).digest('hex')}`;
}

/** JSON with object keys sorted at every depth, so key order in the body does not change the hash. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => stableJson(item ?? null)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const fields = Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, field]) => `${JSON.stringify(key)}:${stableJson(field)}`);
    return `{${fields.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
