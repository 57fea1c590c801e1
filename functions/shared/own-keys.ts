/**
 * Records keyed by what customers and stores send (order ids, categories, refund ids). A plain
 * `record[key]` reads `Object.prototype` members for keys such as `constructor`, and assigning to
 * `record['__proto__']` changes the prototype instead of storing anything; these helpers only ever
 * see and define own properties, so such keys are stored and counted like any other.
 */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A copy of the record with only own, enumerable entries (safe for any key). */
export function ownEntriesRecord<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const record: Record<string, T> = {};
  for (const [key, value] of entries) setOwn(record, key, value);
  return record;
}
