/**
 * Map keys as DynamoDB items keep them. Profiles have maps keyed by what customers and stores send
 * (order ids, categories, refund ids), and the SDK treats objects by what their members say: its
 * marshalling asks a map for `constructor.name` (an order named `constructor` made it throw) and its
 * unmarshalling builds objects by assignment (a key `__proto__` set a prototype instead of coming
 * back). A key named like a member of `Object.prototype` is stored with a `~` in front (as is a key
 * that already starts with one), and read back as it was sent.
 */
import { setOwn } from '#shared/own-keys.ts';

const ESCAPE = '~';
const PROTOTYPE_MEMBERS = new Set(Object.getOwnPropertyNames(Object.prototype));

function escapeKey(key: string): string {
  return PROTOTYPE_MEMBERS.has(key) || key.startsWith(ESCAPE) ? `${ESCAPE}${key}` : key;
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
