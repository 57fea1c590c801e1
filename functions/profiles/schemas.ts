import { z } from 'zod';
import { type CanonicalEvent, canonicalEventSchema } from '#events/schemas.ts';
import { InvalidBusMessageError } from './errors.ts';

/** What an EventBridge rule delivers to the profiles queue: the whole event, canonical event in `detail`. */
const busMessageSchema = z.object({ 'detail-type': z.string(), detail: canonicalEventSchema });

export function parseBusMessage(body: string): CanonicalEvent {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (error) {
    throw new InvalidBusMessageError('message body is not JSON', { cause: error });
  }
  const parsed = busMessageSchema.safeParse(json);
  if (!parsed.success)
    throw new InvalidBusMessageError(`not a canonical event: ${z.prettifyError(parsed.error)}`);
  return parsed.data.detail;
}
