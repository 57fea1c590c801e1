import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export interface LocalRoute {
  /** As in the template, e.g. `POST /webhooks/shopify/{storeId}`. */
  routeKey: string;
  invoke(event: APIGatewayProxyEventV2): Promise<unknown>;
}

/** API Gateway HTTP APIs take bodies up to 10 MB. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Responses by status class, as API Gateway's `Count`, `4xx` and `5xx` metrics count them. */
export interface HttpApiStats {
  count: number;
  '4xx': number;
  '5xx': number;
}

export interface LocalHttpApi {
  url: string;
  /** Counters since the server started (live: read them when needed). */
  stats: HttpApiStats;
  /** Routes come from the template, which is read once the server's URL is known. */
  setRoutes(routes: LocalRoute[]): void;
  close(): Promise<void>;
}

/**
 * The HTTP API front door: matches the template's routes and hands the handler the same payload
 * format 2.0 event API Gateway builds, then turns its answer into the HTTP response the same way.
 */
export async function startLocalHttpApi(options: {
  port?: number;
  onError?: (error: unknown) => void;
}): Promise<LocalHttpApi> {
  let matchers: Array<{ route: LocalRoute } & ReturnType<typeof compile>> = [];
  const stats: HttpApiStats = { count: 0, '4xx': 0, '5xx': 0 };
  const server = createServer(async (request, response) => {
    response.once('finish', () => countResponse(stats, response.statusCode));
    try {
      const body = await readBody(request);
      if (body === undefined)
        return send(response, { statusCode: 413, body: '{"message":"Request Entity Too Large"}' });
      const url = new URL(request.url ?? '/', 'http://localhost');
      const method = request.method ?? 'GET';
      for (const { route, method: routeMethod, pattern, names } of matchers) {
        const match = routeMethod === method ? pattern.exec(url.pathname) : null;
        if (match === null) continue;
        const pathParameters = Object.fromEntries(
          names.map((name, index) => [name, decodeURIComponent(match[index + 1] ?? '')]),
        );
        const event = toEvent(request, url, route.routeKey, body, pathParameters);
        return send(response, toResult(await route.invoke(event)));
      }
      send(response, { statusCode: 404, body: '{"message":"Not Found"}' });
    } catch (error) {
      options.onError?.(error);
      send(response, { statusCode: 500, body: '{"message":"Internal Server Error"}' });
    }
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    setRoutes: (routes) => {
      matchers = routes.map((route) => ({ route, ...compile(route.routeKey) }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function countResponse(stats: HttpApiStats, statusCode: number): void {
  stats.count += 1;
  if (statusCode >= 500) stats['5xx'] += 1;
  else if (statusCode >= 400) stats['4xx'] += 1;
}

function compile(routeKey: string): { method: string; pattern: RegExp; names: string[] } {
  const [method = 'ANY', path = '/'] = routeKey.split(' ');
  const names: string[] = [];
  const source = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\+?\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { method, pattern: new RegExp(`^${source}$`), names };
}

async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const TEXTUAL = /^(text\/|application\/([\w.+-]+\+)?(json|xml|x-www-form-urlencoded|javascript))/i;

function toEvent(
  request: IncomingMessage,
  url: URL,
  routeKey: string,
  body: Buffer,
  pathParameters: Record<string, string>,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const cookies = headers.cookie?.split(/;\s*/);
  delete headers.cookie;
  const isText = TEXTUAL.test(headers['content-type'] ?? '');
  const now = new Date();
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(cookies && { cookies }),
    ...(url.search && { queryStringParameters: Object.fromEntries(url.searchParams) }),
    ...(Object.keys(pathParameters).length > 0 && { pathParameters }),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: {
        method: request.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body.length > 0 && { body: isText ? body.toString('utf8') : body.toString('base64') }),
    isBase64Encoded: body.length > 0 && !isText,
  };
}

/** Payload format 2.0: a result without `statusCode` is a 200 JSON body, as API Gateway treats it. */
function toResult(result: unknown): APIGatewayProxyStructuredResultV2 {
  if (typeof result === 'object' && result !== null && 'statusCode' in result) {
    return result as APIGatewayProxyStructuredResultV2;
  }
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: typeof result === 'string' ? result : JSON.stringify(result),
  };
}

function send(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const body =
    result.body === undefined ? '' : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8');
  response.writeHead(result.statusCode ?? 200, {
    'content-type': 'application/json',
    ...result.headers,
    ...(result.cookies && { 'set-cookie': result.cookies }),
    'content-length': String(body.length),
  });
  response.end(body);
}
