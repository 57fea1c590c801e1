/**
 * Personal data never reaches the logs: values under these keys, and anything that looks like an
 * e-mail address, are masked wherever they appear in a logged object.
 */
const PERSONAL_KEYS = new Set([
  'email',
  'firstname',
  'lastname',
  'first_name',
  'last_name',
  'phone',
  'address',
  'address1',
  'address2',
  'authorization',
  'apikey',
  'writekey',
  'secret',
]);
const EMAIL_PATTERN = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
export const REDACTED = '[redacted]';

export function redactingJsonReplacer(key: string, value: unknown): unknown {
  if (key !== '' && PERSONAL_KEYS.has(key.toLowerCase())) return REDACTED;
  if (typeof value === 'string') return value.replace(EMAIL_PATTERN, REDACTED);
  return value;
}
