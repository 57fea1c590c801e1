import { readRuntimeFile } from '../../runtime-file.ts';
import { SAMPLE_KINDS, type SampleKind, sampleEvent } from '../sample-events.ts';

/** Posts one sample event as the demo store, exactly as a storefront would. */
export async function runSend(
  kind: string | undefined,
  who: { email?: string | undefined; customerId?: string | undefined },
): Promise<void> {
  if (!SAMPLE_KINDS.includes(kind as SampleKind)) {
    throw new Error(`send takes one of: ${SAMPLE_KINDS.join(', ')}`);
  }
  const runtime = readRuntimeFile();
  const identity = { customerId: who.customerId ?? 'c-1', email: who.email ?? 'sam@example.com' };
  const event = sampleEvent(kind as SampleKind, identity);
  const response = await fetch(`${runtime.urls.http}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${runtime.demo.apiKey}` },
    body: JSON.stringify({ events: [event] }),
  });
  process.stdout.write(`POST /v1/events ${event.type} → ${response.status} ${await response.text()}\n`);
  if (!response.ok) process.exitCode = 1;
}
