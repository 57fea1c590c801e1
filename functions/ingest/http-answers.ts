import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { jsonResponse } from '#shared/http-response.ts';
import type { IngestResult } from './domain/ingest-events.ts';

/**
 * 202 when every event was taken, 400 listing the rejected ones (the valid ones are still taken),
 * 503 when the bus refused some after retries — the client retries, and de-duplication by event id
 * makes that safe.
 */
export function ingestAnswer(
  result: IngestResult,
  options: { successStatus?: 200 | 202; extra?: Record<string, unknown> } = {},
): APIGatewayProxyStructuredResultV2 {
  const extra = options.extra ?? {};
  const body = {
    ...extra,
    accepted: result.accepted,
    rejected: result.rejected,
    ignored: result.ignored,
  };
  if (result.unpublished > 0) {
    return jsonResponse(
      503,
      {
        ...body,
        error: 'bus_unavailable',
        message: `${result.unpublished} events were not stored; retry the request`,
      },
      { 'retry-after': '1' },
    );
  }
  if (result.rejected.length > 0) {
    return jsonResponse(400, {
      ...body,
      error: 'invalid_events',
      message: `${result.rejected.length} events were rejected`,
    });
  }
  return jsonResponse(options.successStatus ?? 202, body);
}
