/**
 * A message is sent at most once per (journey, subject, step); this key names that slot, e.g. for
 * a conditional put that only the first sender wins.
 */

export interface MessageSlot {
  readonly journey: string;
  /** What the journey is about, e.g. a cart id or an order id. */
  readonly subjectKey: string;
  readonly step: string;
}

/**
 * `journey#subjectKey#step`, journey first so one journey's messages share a prefix. `%` and `#`
 * inside a part are percent-encoded, so two different slots can never produce the same key.
 * Throws RangeError for an empty part: every trigger would then share one slot and all but the
 * first message would be dropped as duplicates.
 */
export function messageKey({ journey, subjectKey, step }: MessageSlot): string {
  return [journey, subjectKey, step].map(escapePart).join('#');
}

function escapePart(part: string): string {
  if (part === '') throw new RangeError('A message key needs a journey, a subject key and a step');
  return part.replaceAll('%', '%25').replaceAll('#', '%23');
}

/**
 * The slot a key names: the inverse of `messageKey`. Throws RangeError for a string that is no
 * message key (not three non-empty parts).
 */
export function parseMessageKey(key: string): MessageSlot {
  const parts = key.split('#');
  if (parts.length !== 3 || parts.some((part) => part === '')) {
    throw new RangeError('A message key has a journey, a subject key and a step');
  }
  const [journey, subjectKey, step] = parts.map(unescapePart) as [string, string, string];
  return { journey, subjectKey, step };
}

function unescapePart(part: string): string {
  return part.replaceAll('%23', '#').replaceAll('%25', '%');
}
