import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';

/** A message as the local SES kept it. */
export interface LocalSesMessage {
  messageId: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  subject: string;
  html?: string;
  text?: string;
  /** Custom headers of Simple and Template content (List-Unsubscribe…); raw MIME headers are not kept. */
  headers: Array<{ name: string; value: string }>;
  /** The EmailTags of SendEmail, recorded by our front door (the emulator does not keep them). */
  tags: Record<string, string>;
  configurationSetName?: string;
  listManagementOptions?: { contactListName?: string; topicName?: string };
  /** Real time the emulator stored it, whole seconds. */
  sentAt: Date;
}

export interface LocalSes {
  /** For `endpoint` or AWS_ENDPOINT_URL_SESV2. */
  endpoint: string;
  /** The emulator's web inbox. */
  inboxUrl: string;
  /** Every message sent so far, oldest first. */
  messages(): Promise<LocalSesMessage[]>;
  /** Empties the inbox. */
  clear(): Promise<void>;
  close(): Promise<void>;
}

/** What aws-ses-v2-local stores per email (its `Email` type). */
interface StoredEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: Array<{ name: string; value: string }>;
  at: number;
}

interface SendMetadata {
  tags: Record<string, string>;
  configurationSetName?: string;
  listManagementOptions?: { contactListName?: string; topicName?: string };
}

type StartEmulator = (config?: { host?: string; port?: number }) => Promise<Server>;

const SEND_EMAIL_PATH = '/v2/email/outbound-emails';
const MAX_BODY_BYTES = 30 * 1024 * 1024;
let running = false;

/**
 * SES v2 for the local runtime: aws-ses-v2-local (SendEmail, templates, a web inbox) in process,
 * behind a small front door of ours on the requested port that records what the emulator drops —
 * EmailTags, ConfigurationSetName and ListManagementOptions — by message id. Both listen on loopback
 * only. The emulator's store belongs to the process, so one local SES runs per process; starting it
 * empties the store.
 */
export async function startLocalSes(options: { port?: number; host?: string } = {}): Promise<LocalSes> {
  if (running) throw new Error('a local SES is already running in this process; close it first');
  running = true;
  const host = options.host ?? '127.0.0.1';
  let emulator: Server | undefined;
  let front: Server | undefined;
  const agent = new Agent({ keepAlive: true });
  try {
    // CommonJS with a default export; require() gives the same module object under Node and vitest.
    const startEmulator = (createRequire(import.meta.url)('aws-ses-v2-local') as { default: StartEmulator })
      .default;
    emulator = await startEmulator({ host: '127.0.0.1', port: 0 });
    const upstream = `http://127.0.0.1:${(emulator.address() as AddressInfo).port}`;
    const metadata = new Map<string, SendMetadata>();
    front = createServer((request, response) => {
      forward(request, upstream, agent, metadata)
        .then(({ status, headers, body }) => {
          response.writeHead(status, headers);
          response.end(body);
        })
        .catch((error: unknown) => {
          if (!response.headersSent) response.writeHead(502, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ message: `local SES: ${String(error)}` }));
        });
    });
    await listen(front, host, options.port ?? 0);
    const frontServer = front;
    const emulatorServer = emulator;
    const endpoint = `http://${host.includes(':') ? `[${host}]` : host}:${(front.address() as AddressInfo).port}`;
    const local: LocalSes = {
      endpoint,
      inboxUrl: `${endpoint}/`,
      messages: async () => {
        const response = await fetch(`${upstream}/store`);
        const { emails } = (await response.json()) as { emails: StoredEmail[] };
        return emails.map((email) => toMessage(email, metadata.get(email.messageId)));
      },
      clear: async () => {
        await fetch(`${upstream}/clear-store`, { method: 'POST' });
        metadata.clear();
      },
      close: async () => {
        await Promise.all([closeServer(frontServer), closeServer(emulatorServer)]);
        agent.destroy();
        running = false;
      },
    };
    await local.clear();
    return local;
  } catch (error) {
    await Promise.all([front && closeServer(front), emulator && closeServer(emulator)]);
    agent.destroy();
    running = false;
    throw error;
  }
}

async function forward(
  request: IncomingMessage,
  upstream: string,
  agent: Agent,
  metadata: Map<string, SendMetadata>,
): Promise<{ status: number; headers: Record<string, string | string[]>; body: Buffer }> {
  const requestBody = await readAll(request);
  const upstreamResponse = await new Promise<IncomingMessage>((resolve, reject) => {
    const outgoing = httpRequest(
      `${upstream}${request.url ?? '/'}`,
      { method: request.method, headers: request.headers, agent },
      resolve,
    );
    outgoing.once('error', reject);
    outgoing.end(requestBody);
  });
  const body = await readAll(upstreamResponse);
  const status = upstreamResponse.statusCode ?? 502;
  if (request.method === 'POST' && request.url?.split('?')[0] === SEND_EMAIL_PATH && status === 200) {
    recordSend(requestBody, body, metadata);
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstreamResponse.headers)) {
    if (value !== undefined && name !== 'transfer-encoding' && name !== 'connection') headers[name] = value;
  }
  headers['content-length'] = String(body.length);
  return { status, headers, body };
}

function recordSend(requestBody: Buffer, responseBody: Buffer, metadata: Map<string, SendMetadata>): void {
  const sent = JSON.parse(requestBody.toString('utf8')) as {
    EmailTags?: Array<{ Name: string; Value: string }>;
    ConfigurationSetName?: string;
    ListManagementOptions?: { ContactListName?: string; TopicName?: string };
  };
  const { MessageId } = JSON.parse(responseBody.toString('utf8')) as { MessageId?: string };
  if (MessageId === undefined) return;
  const list = sent.ListManagementOptions;
  metadata.set(MessageId, {
    tags: Object.fromEntries((sent.EmailTags ?? []).map((tag) => [tag.Name, tag.Value])),
    ...(sent.ConfigurationSetName !== undefined && { configurationSetName: sent.ConfigurationSetName }),
    ...(list !== undefined && {
      listManagementOptions: {
        ...(list.ContactListName !== undefined && { contactListName: list.ContactListName }),
        ...(list.TopicName !== undefined && { topicName: list.TopicName }),
      },
    }),
  });
}

function toMessage(email: StoredEmail, sent: SendMetadata | undefined): LocalSesMessage {
  return {
    messageId: email.messageId,
    from: email.from,
    to: email.destination.to,
    cc: email.destination.cc,
    bcc: email.destination.bcc,
    replyTo: email.replyTo,
    subject: email.subject,
    ...(email.body.html !== undefined && { html: email.body.html }),
    ...(email.body.text !== undefined && { text: email.body.text }),
    headers: email.headers ?? [],
    tags: sent?.tags ?? {},
    ...(sent?.configurationSetName !== undefined && { configurationSetName: sent.configurationSetName }),
    ...(sent?.listManagementOptions !== undefined && { listManagementOptions: sent.listManagementOptions }),
    sentAt: new Date(email.at * 1000),
  };
}

async function readAll(stream: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('the request is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
