import { Agent, createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';

/** Request units as on-demand DynamoDB bills them. */
export interface ConsumedUnits {
  readRequestUnits: number;
  writeRequestUnits: number;
}

export interface CapacityMeter {
  endpoint: string;
  readonly consumed: ConsumedUnits;
  close(): Promise<void>;
}

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

/**
 * A loopback front door for dynalite that counts the request units each call consumes. It asks
 * dynalite for `ReturnConsumedCapacity: TOTAL` (which applies DynamoDB's item-size rules), adds the
 * units up, and hands the client the answer it asked for, with the body's CRC32 header recomputed as
 * the SDK checks it. Failed conditional writes are not counted (dynalite reports no capacity for
 * them), so the count is a slight underestimate.
 */
export async function startCapacityMeter(options: {
  upstream: string;
  port?: number;
}): Promise<CapacityMeter> {
  const upstream = new URL(options.upstream);
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const consumed: ConsumedUnits = { readRequestUnits: 0, writeRequestUnits: 0 };

  const forward = async (req: IncomingMessage, res: ServerResponse) => {
    const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
    const metered = READS.has(operation) || WRITES.has(operation);
    let body = await readBody(req);
    let injected = false;
    if (metered) {
      const parsed = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      if (parsed.ReturnConsumedCapacity === undefined || parsed.ReturnConsumedCapacity === 'NONE') {
        parsed.ReturnConsumedCapacity = 'TOTAL';
        injected = true;
        body = Buffer.from(JSON.stringify(parsed));
      }
    }
    const answer = await send(upstream, agent, req, body);
    let responseBody = answer.body;
    const headers = { ...answer.headers };
    if (metered && answer.status === 200) {
      const parsed = JSON.parse(responseBody.toString('utf8')) as Record<string, unknown>;
      const units = capacityOf(parsed.ConsumedCapacity);
      if (READS.has(operation)) consumed.readRequestUnits += units;
      else consumed.writeRequestUnits += units;
      if (injected) {
        delete parsed.ConsumedCapacity;
        responseBody = Buffer.from(JSON.stringify(parsed));
        headers['content-length'] = String(responseBody.length);
        headers['x-amz-crc32'] = String(crc32(responseBody));
      }
    }
    res.writeHead(answer.status, headers);
    res.end(responseBody);
  };

  const server = createServer((req, res) => {
    forward(req, res).catch((error: unknown) => {
      // The client sees what a dropped connection would give it; the SDK retries.
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    consumed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent.destroy();
      }),
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

function send(
  upstream: URL,
  agent: Agent,
  req: IncomingMessage,
  body: Buffer,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        agent,
        headers: { ...req.headers, host: upstream.host, 'content-length': String(body.length) },
      },
      (response) => {
        readBody(response).then(
          (responseBody) =>
            resolve({ status: response.statusCode ?? 500, headers: response.headers, body: responseBody }),
          reject,
        );
      },
    );
    outgoing.once('error', reject);
    outgoing.end(body);
  });
}
