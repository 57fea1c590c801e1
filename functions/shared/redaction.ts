/**
 * Logs carry only fields on an allow-list: Powertools' own (level, message, service, function,
 * request, trace, cold start), an error's name, message, location and stack, and the keys our
 * handlers log (store, journey, step, outcome, reason, event and message ids, counts). Any other
 * field is masked, whatever it holds, so a new field with personal data in it (a name, an address,
 * a whole event) cannot reach the logs by accident: it must be added here, with a review. Strings
 * that look like an e-mail address are masked even in allowed fields (an error message may quote
 * one).
 */
const LOGGED_FIELDS = new Set(
  [
    // Powertools Logger's standard keys.
    'level',
    'message',
    'timestamp',
    'service',
    'sampling_rate',
    'xray_trace_id',
    'cold_start',
    'function_arn',
    'function_memory_size',
    'function_name',
    'function_request_id',
    'correlation_id',
    'tenant_id',
    // An error as Powertools formats it (and a cause chain).
    'error',
    'name',
    'stack',
    'location',
    'cause',
    'code',
    'errorName',
    // What the AWS SDK adds to its errors: the service's request id and status, never a payload.
    '$fault',
    '$metadata',
    'httpStatusCode',
    'requestId',
    'extendedRequestId',
    'cfId',
    'attempts',
    'totalRetryDelay',
    // Our handlers' keys: identifiers of records and events, never of a person's details.
    'storeId',
    'eventId',
    'eventType',
    'detailType',
    'messageId',
    'orderId',
    'source',
    'journey',
    'step',
    'node',
    'variant',
    'group',
    'outcome',
    'reason',
    'kind',
    'day',
    'started',
    'resumed',
    'gone',
    'ended',
    'conversions',
    'issues',
    'path',
    'identities',
    'profiles',
    'records',
    'runsStopped',
  ].map((field) => field.toLowerCase()),
);
const EMAIL_PATTERN = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
export const REDACTED = '[redacted]';
const ARRAY_INDEX = /^\d+$/;

export function isLoggedField(key: string): boolean {
  return LOGGED_FIELDS.has(key.toLowerCase());
}

/**
 * The logger's JSON replacer. Powertools calls it without the holder, so an array's indexes are told
 * from fields by their digits: a list's items are checked by their own keys.
 */
export function redactingJsonReplacer(key: string, value: unknown): unknown {
  if (key !== '' && !ARRAY_INDEX.test(key) && !isLoggedField(key)) return REDACTED;
  if (typeof value === 'string') return value.replace(EMAIL_PATTERN, REDACTED);
  return value;
}
