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
