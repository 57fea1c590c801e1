import { Agent, createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { EngagementEvents, type PublishSesEvent } from './engagement-events.ts';
import { answerInboxPage, answerMail, listedStore, MAIL_PATH_PREFIX, type StoredEmail } from './inbox.ts';
import { answerTracking, clientAddress, type TrackingAnswer } from './tracking-endpoints.ts';

export type { PublishSesEvent } from './engagement-events.ts';
export type { SesEngagementEvent, SesEventRecord } from './event-records.ts';

/** A message as the local SES kept it. */
export interface LocalSesMessage {
  messageId: string;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  subject: string;
  /** As the recipient gets it: with tracked links and the open pixel when SES tracks the mail. */
  html?: string;
  text?: string;
  /** Custom headers of Simple and Template content (List-Unsubscribe…); raw MIME headers are not kept. */
  headers: Array<{ name: string; value: string }>;
  /** The EmailTags of SendEmail, recorded by our front door (the emulator does not keep them). */
  tags: Record<string, string>;
  configurationSetName?: string;
  listManagementOptions?: { contactListName?: string; topicName?: string };
  /** When the emulator stored it on the runtime's clock (`LocalSesOptions.now`), whole seconds. */
  sentAt: Date;
}

export interface LocalSes {
  /** For `endpoint` or AWS_ENDPOINT_URL_SESV2. */
  endpoint: string;
  /** The inbox page: lists the mails (opening none) and opens one on request (see inbox.ts). */
  inboxUrl: string;
  /** Every message sent so far, oldest first. */
  messages(): Promise<LocalSesMessage[]>;
  /** Empties the inbox. */
  clear(): Promise<void>;
  /**
   * Resolves when every SES event produced so far has been published, including the events of mails
   * whose SendEmail is still being answered (the inbox shows a mail before its events are queued).
   */
  settle(): Promise<void>;
  /** Mails accepted since start (SES bills per mail). */
  sentCount(): number;
  /** With `holdEvents`: publishes the held mails' events; returns how many mails they were. */
  releaseHeldEvents(): number;
  /**
   * Refuses the next `requests` SendEmail calls as SES does when the account's sending rate (or its
   * daily quota) is reached: 429 `TooManyRequestsException`, nothing sent. The SDK retries a
   * throttled call itself (3 attempts by default), so one mail surfaces the error after 3.
   */
  throttle(requests: number, quota?: 'rate' | 'daily'): void;
  close(): Promise<void>;
}

export interface LocalSesOptions {
  port?: number;
  host?: string;
  /**
   * Publishes what the configuration set's EventBridge destination would (Send, Delivery, Bounce,
   * Complaint, Open, Click) for mails sent with a configuration set, and turns on their open and
   * click tracking. @default - no events, mails kept as sent
   */
  publish?: PublishSesEvent;
  /**
   * Milliseconds since the epoch for event times and the mails' send times, e.g. the runtime's virtual
   * clock. @default Date.now
   */
  now?: () => number;
  /** Account and Region in ARNs and `sendingAccountId`. @default '000000000000', 'us-east-1' */
  account?: string;
  region?: string;
  /** A failed publish; the mail itself is sent either way. @default - console.error */
  onError?: (error: unknown) => void;
  /** Real milliseconds between SendEmail's answer and the mail's first event. @default 500 */
  eventDelayMs?: number;
  /**
   * Keep each mail's events until `releaseHeldEvents` instead of publishing them after a pause (for
   * simulations on manual time, which release them once the senders have recorded their mails).
   */
  holdEvents?: boolean;
  /** Told of every mail SES accepted, e.g. so a simulation's shoppers can open and click it. */
  onSent?: (mail: SentMail) => void;
}

/** A mail SES accepted, as `onSent` hears of it. */
export interface SentMail {
  messageId: string;
  to: string[];
  tags: Record<string, string>;
  /** The HTML as sent, before open and click tracking. */
  html: string | undefined;
}

interface SendMetadata {
  tags: Record<string, string>;
  configurationSetName?: string;
  listManagementOptions?: { contactListName?: string; topicName?: string };
}

type StartEmulator = (config?: { host?: string; port?: number }) => Promise<Server>;

/** The emulator's helper module whose clock stamps every stored mail's `at`. */
interface EmulatorUtil {
  getCurrentTimestamp: () => number;
}

/** The SendEmail fields our front door reads. */
interface SendRequest {
  EmailTags?: Array<{ Name: string; Value: string }>;
  ConfigurationSetName?: string;
  ListManagementOptions?: { ContactListName?: string; TopicName?: string };
  FromEmailAddressIdentityArn?: string;
}

interface FrontDoor {
  upstream: string;
  /** Mails accepted so far. */
  sent: number;
  onSent: ((mail: SentMail) => void) | undefined;
  agent: Agent;
  metadata: Map<string, SendMetadata>;
  /**
   * SendEmail calls not answered yet. The emulator shows a mail in its store before the front door has
   * queued the mail's events, so `settle` waits for these too.
   */
  sending: Set<Promise<unknown>>;
  /** Present when events are published. */
  engagement?: EngagementEvents;
  /** SendEmail calls still to refuse as throttled, and with which of SES's messages. */
  throttled: { requests: number; quota: 'rate' | 'daily' };
  account: string;
  region: string;
  now: () => number;
}

interface Answer extends TrackingAnswer {
  /** Called once the client has its answer, or has gone (SES's events follow its response). */
  responded?: () => void;
}

const SEND_EMAIL_PATH = '/v2/email/outbound-emails';
const MAX_BODY_BYTES = 30 * 1024 * 1024;
let running = false;

/**
 * SES v2 for the local runtime: aws-ses-v2-local (SendEmail, templates, a web inbox) in process,
 * behind a small front door of ours on the requested port that records what the emulator drops —
 * EmailTags, ConfigurationSetName and ListManagementOptions — by message id. Both listen on loopback
 * only. The emulator's store belongs to the process, so one local SES runs per process; starting it
 * empties the store.
 *
 * With `publish`, a mail sent with a configuration set gets what SES's event publishing and
 * open/click tracking give it in the cloud: its events, links through `/track/click` and a pixel from
 * `/track/open` on this front door. The emulator keeps the original HTML; the front door serves the
 * inbox (inbox.ts), which lists the mails without their pixel and shows one as its recipient gets it.
 * Mails carry the time they were sent on `now`, the runtime's clock (see `putEmulatorOnClock`).
 */
export async function startLocalSes(options: LocalSesOptions = {}): Promise<LocalSes> {
  if (running) throw new Error('a local SES is already running in this process; close it first');
  running = true;
  const host = options.host ?? '127.0.0.1';
  let emulator: Server | undefined;
  let front: Server | undefined;
  const agent = new Agent({ keepAlive: true });
  const now = options.now ?? Date.now;
  let offClock: (() => void) | undefined;
  try {
    // CommonJS with a default export; require() gives the same module object under Node and vitest.
    const require = createRequire(import.meta.url);
    const startEmulator = (require('aws-ses-v2-local') as { default: StartEmulator }).default;
    offClock = putEmulatorOnClock(require, now);
    emulator = await startEmulator({ host: '127.0.0.1', port: 0 });
    const door: FrontDoor = {
      upstream: `http://127.0.0.1:${(emulator.address() as AddressInfo).port}`,
      agent,
      metadata: new Map(),
      sending: new Set(),
      account: options.account ?? '000000000000',
      region: options.region ?? 'us-east-1',
      now,
      sent: 0,
      onSent: options.onSent,
      throttled: { requests: 0, quota: 'rate' },
    };
    front = createServer((request, response) => {
      answer(request, door)
        .then(({ status, headers, body, responded }) => {
          if (responded !== undefined) response.once('close', responded);
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
    if (options.publish !== undefined) {
      door.engagement = new EngagementEvents({
        publish: options.publish,
        now: door.now,
        baseUrl: endpoint,
        onError:
          options.onError ?? ((error: unknown) => console.error('local SES: publishing failed', error)),
        ...(options.eventDelayMs !== undefined && { eventDelayMs: options.eventDelayMs }),
        ...(options.holdEvents === true && { holdOutcomes: true }),
      });
    }
    const local: LocalSes = {
      endpoint,
      inboxUrl: `${endpoint}/`,
      messages: async () => {
        const response = await fetch(`${door.upstream}/store`);
        const { emails } = (await response.json()) as { emails: StoredEmail[] };
        return emails.map((email) =>
          toMessage(withTrackedHtml(email, door.engagement), door.metadata.get(email.messageId)),
        );
      },
      clear: async () => {
        await fetch(`${door.upstream}/clear-store`, { method: 'POST' });
        door.metadata.clear();
        door.engagement?.clear();
      },
      settle: () => settle(door),
      sentCount: () => door.sent,
      releaseHeldEvents: () => door.engagement?.releaseHeld() ?? 0,
      throttle: (requests, quota = 'rate') => {
        door.throttled = { requests, quota };
      },
      close: async () => {
        await settle(door);
        await Promise.all([closeServer(frontServer), closeServer(emulatorServer)]);
        agent.destroy();
        offClock?.();
        running = false;
      },
    };
    await local.clear();
    return local;
  } catch (error) {
    await Promise.all([front && closeServer(front), emulator && closeServer(emulator)]);
    agent.destroy();
    offClock?.();
    running = false;
    throw error;
  }
}

/**
 * Puts the emulator's clock on the runtime's: aws-ses-v2-local stamps each mail's `at` (epoch seconds)
 * when it stores it, in every send path (v1 and v2, simple, raw, template, bulk), with its
 * `getCurrentTimestamp`, which it calls through its module's exports. Replacing that one function makes
 * the stamp the runtime's virtual time at the moment of sending (what the sending handler's `Date`
 * read, to the second), with no moment in which a listed mail shows real time, and keeps the emulator's
 * own `/store?since=` filter consistent with the times it lists. Returns what puts it back.
 */
function putEmulatorOnClock(require: NodeJS.Require, now: () => number): () => void {
  const util = require('aws-ses-v2-local/dist/util.js') as Partial<EmulatorUtil>;
  const original = util.getCurrentTimestamp;
  if (typeof original !== 'function') {
    throw new Error(
      'aws-ses-v2-local no longer stamps mails through dist/util.js getCurrentTimestamp; the inbox cannot show the virtual time mails were sent',
    );
  }
  util.getCurrentTimestamp = () => Math.floor(now() / 1000);
  return () => {
    util.getCurrentTimestamp = original;
  };
}

async function answer(request: IncomingMessage, door: FrontDoor): Promise<Answer> {
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  if (door.engagement !== undefined && (path === '/track/open' || path === '/track/click')) {
    return answerTracking(request, door.engagement);
  }
  if (request.method === 'GET') {
    const page = await answerInboxPage(path);
    if (page !== undefined) return page;
    if (path.startsWith(MAIL_PATH_PREFIX)) {
      const messageId = decodeMessageId(path.slice(MAIL_PATH_PREFIX.length));
      const email = messageId === undefined ? undefined : await storedEmail(door, messageId);
      return answerMail(email, door.engagement);
    }
  }
  if (request.method !== 'POST' || path !== SEND_EMAIL_PATH) return forward(request, door);
  if (door.throttled.requests > 0) {
    door.throttled.requests -= 1;
    await readAll(request);
    return throttledAnswer(door.throttled.quota);
  }
  const sending = forward(request, door);
  door.sending.add(sending);
  try {
    return await sending;
  } finally {
    door.sending.delete(sending);
  }
}

/** SES v2's answer to a send over the account's sending rate or daily quota (REST JSON error). */
function throttledAnswer(quota: 'rate' | 'daily'): Answer {
  const message = quota === 'daily' ? 'Daily message quota exceeded.' : 'Maximum sending rate exceeded.';
  const body = Buffer.from(JSON.stringify({ message }));
  return {
    status: 429,
    headers: {
      'content-type': 'application/json',
      'x-amzn-errortype': 'TooManyRequestsException',
      'content-length': String(body.length),
    },
    body,
  };
}

/** Waits for the SendEmail calls in flight, then for every event they and earlier ones queued. */
async function settle(door: FrontDoor): Promise<void> {
  do {
    await Promise.allSettled([...door.sending]);
    await door.engagement?.settle();
  } while (door.sending.size > 0);
}

async function forward(request: IncomingMessage, door: FrontDoor): Promise<Answer> {
  const path = (request.url ?? '/').split('?')[0];
  const requestBody = await readAll(request);
  // The emulator stamps mails in whole seconds of the runtime's clock (`putEmulatorOnClock`); this
  // finds the mail it is about to store.
  const sentSince = Math.floor(door.now() / 1000);
  const upstreamResponse = await new Promise<IncomingMessage>((resolve, reject) => {
    const outgoing = httpRequest(
      `${door.upstream}${request.url ?? '/'}`,
      { method: request.method, headers: request.headers, agent: door.agent },
      resolve,
    );
    outgoing.once('error', reject);
    outgoing.end(requestBody);
  });
  let body = await readAll(upstreamResponse);
  const status = upstreamResponse.statusCode ?? 502;
  let responded: (() => void) | undefined;
  if (request.method === 'POST' && path === SEND_EMAIL_PATH && status === 200) {
    responded = await recordSend(request, requestBody, body, sentSince, door);
  }
  // What the inbox page lists: mails without their open pixel, as listing opens nothing (inbox.ts).
  if (request.method === 'GET' && path === '/store' && status === 200) {
    body = listedStore(body, door.engagement);
  }
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(upstreamResponse.headers)) {
    if (value !== undefined && name !== 'transfer-encoding' && name !== 'connection') headers[name] = value;
  }
  headers['content-length'] = String(body.length);
  return { status, headers, body, ...(responded !== undefined && { responded }) };
}

/**
 * Records what the emulator drops and, when events are on, queues the mail's events before SendEmail
 * answers, so `settle` already sees them; they go out after the answer, released by what this returns.
 */
async function recordSend(
  request: IncomingMessage,
  requestBody: Buffer,
  responseBody: Buffer,
  sentSince: number,
  door: FrontDoor,
): Promise<(() => void) | undefined> {
  const sent = JSON.parse(requestBody.toString('utf8')) as SendRequest;
  const { MessageId } = JSON.parse(responseBody.toString('utf8')) as { MessageId?: string };
  if (MessageId === undefined) return undefined;
  const list = sent.ListManagementOptions;
  const metadata: SendMetadata = {
    tags: Object.fromEntries((sent.EmailTags ?? []).map((tag) => [tag.Name, tag.Value])),
    ...(sent.ConfigurationSetName !== undefined && { configurationSetName: sent.ConfigurationSetName }),
    ...(list !== undefined && {
      listManagementOptions: {
        ...(list.ContactListName !== undefined && { contactListName: list.ContactListName }),
        ...(list.TopicName !== undefined && { topicName: list.TopicName }),
      },
    }),
  };
  door.metadata.set(MessageId, metadata);
  door.sent += 1;
  const { engagement } = door;
  // SES publishes events only through a configuration set's event destinations.
  if (engagement === undefined || metadata.configurationSetName === undefined) return undefined;
  const response = await fetch(`${door.upstream}/store?since=${sentSince}`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  const email = emails.find((candidate) => candidate.messageId === MessageId);
  if (email === undefined) return undefined;
  engagement.accept(
    {
      messageId: MessageId,
      sentAt: new Date(door.now()),
      from: email.from,
      to: email.destination.to,
      cc: email.destination.cc,
      bcc: email.destination.bcc,
      replyTo: email.replyTo,
      subject: email.subject,
      hasHtml: email.body.html !== undefined,
      hasText: email.body.text !== undefined,
      customHeaders: email.headers ?? [],
      emailTags: metadata.tags,
      configurationSetName: metadata.configurationSetName,
      account: door.account,
      region: door.region,
      sourceIp: clientAddress(request),
      callerIdentity: callerIdentity(request),
      ...(sent.FromEmailAddressIdentityArn !== undefined && {
        fromIdentityArn: sent.FromEmailAddressIdentityArn,
      }),
    },
    email.body.html,
  );
  door.onSent?.({
    messageId: MessageId,
    to: email.destination.to,
    tags: metadata.tags,
    html: email.body.html,
  });
  let release = () => {};
  const answered = new Promise<void>((resolve) => {
    release = resolve;
  });
  void engagement.publishOutcome(MessageId, answered);
  return release;
}

function decodeMessageId(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

async function storedEmail(door: FrontDoor, messageId: string): Promise<StoredEmail | undefined> {
  const response = await fetch(`${door.upstream}/store`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  return emails.find((email) => email.messageId === messageId);
}

function withTrackedHtml(email: StoredEmail, engagement: EngagementEvents | undefined): StoredEmail {
  const { html } = email.body;
  if (engagement === undefined || html === undefined || !engagement.isTracked(email.messageId)) return email;
  return { ...email, body: { ...email.body, html: engagement.trackedHtml(email.messageId, html) } };
}

/** The access key id of the SigV4 signature: the only identity a local caller has. */
function callerIdentity(request: IncomingMessage): string {
  return /Credential=([^/,\s]+)\//.exec(request.headers.authorization ?? '')?.[1] ?? 'anonymous';
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
