import { EventEmitter } from 'node:events';
import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import { crc32 } from 'node:zlib';

/** Request units as on-demand DynamoDB bills them. */
export interface ConsumedUnits {
  readRequestUnits: number;
  writeRequestUnits: number;
}

export interface CapacityMeter {
  readonly consumed: ConsumedUnits;
}

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

/**
 * Counts the request units each call to dynalite consumes, inside dynalite's own HTTP server: the
 * meter asks dynalite for `ReturnConsumedCapacity: TOTAL` (which applies DynamoDB's item-size
 * rules), adds the units up, and hands the client the answer it asked for, with the body's CRC32
 * header recomputed as the SDK checks it. It wraps the server's request listener rather than
 * standing in front of it as a proxy: a proxy cost every DynamoDB call a second loopback hop on the
 * thread that also runs dynalite (a fifth of that thread's time in a simulation's CPU profile).
 * Failed conditional writes are not counted (dynalite reports no capacity for them), so the count
 * is a slight underestimate.
 */
export function meterCapacity(server: Server): CapacityMeter {
  const listeners = server.listeners('request') as RequestListener[];
  const [dynaliteListener] = listeners;
  if (listeners.length !== 1 || dynaliteListener === undefined) {
    throw new Error(
      `dynalite's server has ${listeners.length} request listeners; the meter wraps exactly one`,
    );
  }
  const consumed: ConsumedUnits = { readRequestUnits: 0, writeRequestUnits: 0 };
  server.removeListener('request', dynaliteListener);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const reads = READS.has(operation);
    if (!reads && !WRITES.has(operation)) {
      dynaliteListener(req, res);
      return;
    }
    readBody(req).then(
      (body) => {
        const { request, injected } = askForCapacity(body);
        countOnAnswer(res, injected, (units) => {
          if (reads) consumed.readRequestUnits += units;
          else consumed.writeRequestUnits += units;
        });
        const replay = replayable(req);
        dynaliteListener(replay.request, res);
        replay.play(request);
      },
      (error: unknown) => res.destroy(error instanceof Error ? error : new Error(String(error))),
    );
  });
  return { consumed };
}

/** The request with `ReturnConsumedCapacity: TOTAL`, unless it asked for capacity itself. */
function askForCapacity(body: Buffer): { request: Buffer; injected: boolean } {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    // dynalite answers the malformed body with its SerializationException.
    return { request: body, injected: false };
  }
  if (parsed.ReturnConsumedCapacity !== undefined && parsed.ReturnConsumedCapacity !== 'NONE') {
    return { request: body, injected: false };
  }
  parsed.ReturnConsumedCapacity = 'TOTAL';
  return { request: Buffer.from(JSON.stringify(parsed)), injected: true };
}

/**
 * dynalite answers with `setHeader` calls and one `end(body)`: the units are read from that body, and
 * a capacity the client did not ask for is taken out again before the headers go.
 */
function countOnAnswer(res: ServerResponse, injected: boolean, count: (units: number) => void): void {
  const end = res.end.bind(res) as (body?: string | Buffer) => ServerResponse;
  res.end = ((body?: string | Buffer) => {
    if (res.statusCode !== 200 || body === undefined) return end(body);
    const parsed = JSON.parse(body.toString()) as Record<string, unknown>;
    count(capacityOf(parsed.ConsumedCapacity));
    if (!injected) return end(body);
    delete parsed.ConsumedCapacity;
    const answer = Buffer.from(JSON.stringify(parsed));
    res.setHeader('content-length', answer.length);
    res.setHeader('x-amz-crc32', crc32(answer));
    return end(answer);
  }) as ServerResponse['end'];
}

/**
 * What dynalite's listener reads of a request: headers, method and url, then `data` and `end`, which
 * `play` emits with the body given once the listener has subscribed (it does so synchronously).
 */
function replayable(req: IncomingMessage): { request: IncomingMessage; play(body: Buffer): void } {
  const replay = Object.assign(new EventEmitter(), {
    headers: req.headers,
    method: req.method,
    url: req.url,
  });
  return {
    request: replay as unknown as IncomingMessage,
    play: (body) => {
      replay.emit('data', body);
      replay.emit('end');
    },
  };
}

function capacityOf(consumed: unknown): number {
  const entries = Array.isArray(consumed) ? consumed : [consumed];
  let units = 0;
  for (const entry of entries) {
    const value = (entry as { CapacityUnits?: unknown } | undefined)?.CapacityUnits;
    if (typeof value === 'number') units += value;
  }
  return units;
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.once('end', () => resolve(Buffer.concat(chunks)));
    stream.once('error', reject);
  });
}
