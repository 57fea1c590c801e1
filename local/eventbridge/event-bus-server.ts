import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalEventBuses } from './event-bus.ts';
import { compileEventPattern, InvalidEventPatternError, matchesEventPattern } from './pattern/index.ts';

const MAX_ENTRIES = 10;
const MAX_REQUEST_BYTES = 256 * 1024;

interface PutEventsRequestEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  Time?: number | string;
  Resources?: string[];
}

type ResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

/**
 * The EventBridge API over HTTP (AWS JSON 1.1, `X-Amz-Target: AWSEvents.<Operation>`), enough for the
 * SDK's PutEvents and TestEventPattern, so handlers publish with the real EventBridgeClient.
 */
export async function startLocalEventBridge(options: {
  buses: LocalEventBuses;
  port?: number;
}): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = createServer(async (request, response) => {
    const operation = String(request.headers['x-amz-target'] ?? '').replace(/^AWSEvents\./, '');
    try {
      const body = JSON.parse((await readAll(request)).toString('utf8') || '{}');
      switch (operation) {
        case 'PutEvents':
          return reply(response, 200, await putEvents(options.buses, body));
        case 'TestEventPattern':
          return reply(response, 200, testEventPattern(body));
        default:
          return reply(
            response,
            400,
            awsError('UnknownOperationException', `Operation ${operation} is not supported locally`),
          );
      }
    } catch (error) {
      if (error instanceof ClientFault) return reply(response, 400, awsError(error.code, error.message));
      if (error instanceof InvalidEventPatternError)
        return reply(response, 400, awsError(error.code, error.message));
      return reply(response, 500, awsError('InternalException', (error as Error).message));
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

class ClientFault extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function putEvents(buses: LocalEventBuses, body: { Entries?: PutEventsRequestEntry[] }) {
  const entries = body.Entries ?? [];
  if (entries.length === 0 || entries.length > MAX_ENTRIES) {
    throw new ClientFault('ValidationException', `Entries must hold 1 to ${MAX_ENTRIES} entries`);
  }
  const results: ResultEntry[] = [];
  for (const entry of entries) results.push(await putEntry(buses, entry));
  return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results };
}

async function putEntry(buses: LocalEventBuses, entry: PutEventsRequestEntry): Promise<ResultEntry> {
  const busName = (entry.EventBusName ?? 'default').replace(/^arn:aws:events:[^:]*:[^:]*:event-bus\//, '');
  if (!buses.hasBus(busName)) {
    return { ErrorCode: 'NotFoundException', ErrorMessage: `Event bus ${busName} does not exist.` };
  }
  if (!entry.Source || !entry.DetailType || !entry.Detail) {
    return {
      ErrorCode: 'InvalidArgument',
      ErrorMessage: 'Parameters Source, DetailType and Detail are required.',
    };
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.Detail);
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail must be a JSON object.' };
  }
  const time =
    entry.Time === undefined
      ? undefined
      : new Date(typeof entry.Time === 'number' ? entry.Time * 1000 : entry.Time);
  const event = await buses.put(busName, {
    source: entry.Source,
    detailType: entry.DetailType,
    detail,
    ...(time && { time }),
    ...(entry.Resources && { resources: entry.Resources }),
  });
  return { EventId: event.id };
}

function testEventPattern(body: { EventPattern?: string; Event?: string }) {
  const compiled = compileEventPattern(body.EventPattern ?? '');
  return { Result: matchesEventPattern(compiled, JSON.parse(body.Event ?? '{}')) };
}

function awsError(code: string, message: string) {
  return { __type: code, message };
}

async function readAll(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES * 2) throw new ClientFault('ValidationException', 'Request is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
