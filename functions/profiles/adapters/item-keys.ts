/**
 * Map keys as DynamoDB items keep them. Profiles have maps keyed by what customers and stores send
 * (order ids, categories, refund ids), and the SDK's unmarshalling builds objects by assignment, so a
 * key `__proto__` would set a prototype instead of coming back. Such a key is stored as `~__proto__`
 * (and a key that starts with `~` gets one more), and read back as it was sent.
 */
import { setOwn } from '#shared/own-keys.ts';

const ESCAPE = '~';

function escapeKey(key: string): string {
  return key === '__proto__' || key.startsWith(ESCAPE) ? `${ESCAPE}${key}` : key;
}

function unescapeKey(key: string): string {
  return key.startsWith(ESCAPE) ? key.slice(ESCAPE.length) : key;
}

function mapKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => mapKeys(item, rename));
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) setOwn(copy, rename(key), mapKeys(inner, rename));
  return copy;
}

export function toItemKeys<T>(value: T): T {
  return mapKeys(value, escapeKey) as T;
}

export function fromItemKeys<T>(value: T): T {
  return mapKeys(value, unescapeKey) as T;
}
