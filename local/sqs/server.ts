import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SqsError } from './errors.ts';
import { isJsonObject } from './json-input.ts';
import { operations } from './operations.ts';
import type { LocalQueues } from './queues.ts';

export interface LocalSqsServerOptions {
  queues: LocalQueues;
  /** Defaults to 127.0.0.1; the server has no authentication, so keep it on loopback. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface LocalSqsServer {
  /** Origin such as http://127.0.0.1:54321, for `endpoint` or AWS_ENDPOINT_URL_SQS. */
  url: string;
  close(): Promise<void>;
}

const TARGET_PREFIX = 'AmazonSQS.';
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

/**
 * Answers the AWS JSON 1.0 protocol that @aws-sdk/client-sqs speaks. Signatures are not checked.
 * Queue URLs handed out afterwards carry this server's origin.
 */
export async function startLocalSqsServer(options: LocalSqsServerOptions): Promise<LocalSqsServer> {
  const { queues } = options;
  const closing = new AbortController();
  const server = createServer((request, response) => {
    handle(request, response, queues, closing.signal).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, new Error(String(error)));
      else response.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  queues.setEndpoint(url);
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        closing.abort();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  queues: LocalQueues,
  signal: AbortSignal,
): Promise<void> {
  const requestId = randomUUID();
  try {
    const body = await readBody(request);
    const target = request.headers['x-amz-target'];
    const name =
      typeof target === 'string' && target.startsWith(TARGET_PREFIX)
        ? target.slice(TARGET_PREFIX.length)
        : '';
    const operation = request.method === 'POST' ? operations[name] : undefined;
    if (!operation) {
      throw new SqsError(
        'UnsupportedOperation',
        name
          ? `Local SQS does not support the operation ${name}.`
          : 'Local SQS only answers AWS JSON 1.0 requests: POST / with X-Amz-Target: AmazonSQS.<Operation>.',
      );
    }
    const input: unknown = body.length === 0 ? {} : parseJson(body);
    if (!isJsonObject(input))
      throw new SqsError('InvalidParameterValue', 'The request body must be a JSON object.');
    const output = await operation(input, { queues, signal });
    keepAliveUnlessClosing(response, signal);
    send(response, 200, requestId, output);
  } catch (error) {
    keepAliveUnlessClosing(response, signal);
    sendError(response, error, requestId);
  }
}

/** Answers that outlive close() (long polls) must not leave a keep-alive socket holding the server open. */
function keepAliveUnlessClosing(response: ServerResponse, signal: AbortSignal): void {
  if (signal.aborted) response.setHeader('connection', 'close');
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > MAX_REQUEST_BYTES) {
        reject(
          new SqsError('InvalidParameterValue', `Request bodies are limited to ${MAX_REQUEST_BYTES} bytes.`),
        );
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new SqsError('InvalidParameterValue', 'The request body is not valid JSON.');
  }
}

function send(
  response: ServerResponse,
  status: number,
  requestId: string,
  payload: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(payload);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(body),
    'x-amzn-requestid': requestId,
    ...headers,
  });
  response.end(body);
}

/** Shaped like real SQS errors so the SDK raises its modelled exception classes (QueueDoesNotExist, …). */
function sendError(response: ServerResponse, error: unknown, requestId = randomUUID()): void {
  if (error instanceof SqsError) {
    send(
      response,
      error.status,
      requestId,
      { __type: `com.amazonaws.sqs#${error.type}`, message: error.message },
      { 'x-amzn-query-error': `${error.queryCode};Sender` },
    );
    return;
  }
  const message = error instanceof Error ? error.message : String(error);
  send(
    response,
    500,
    requestId,
    { __type: 'com.amazonaws.sqs#InternalError', message },
    {
      'x-amzn-query-error': 'InternalError;Receiver',
    },
  );
}
