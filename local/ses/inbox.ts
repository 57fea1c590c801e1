import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngagementEvents } from './engagement-events.ts';
import type { TrackingAnswer } from './tracking-endpoints.ts';

/**
 * The local inbox: a page that lists the mails (`/store`, the emulator's listing) and opens one at a
 * time (`/messages/<id>`).
 *
 * Listing is not reading. SES counts an open when the mail's 1×1 pixel is loaded, which a mail client
 * does when it shows that mail; a listing that carried the pixel would make every mail in it look
 * opened to SES's events, the engagement function, attribution and the dashboard's funnel. So the
 * listing serves each tracked mail without its pixel (links stay tracked: following one is a click,
 * wherever it happens), and only the one-mail view serves the HTML as its recipient gets it, pixel
 * included. The emulator's own page cannot make that split: it writes every mail's HTML into a hidden
 * frame as soon as it lists it, so its images load at once. Our page (`assets/inbox.*`) renders no
 * mail HTML itself and loads `/messages/<id>` in a frame when a mail is opened.
 */

/** What aws-ses-v2-local stores per email (its `Email` type), as `/store` lists it. */
export interface StoredEmail {
  messageId: string;
  from: string;
  replyTo: string[];
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: Array<{ name: string; value: string }>;
  /** Epoch seconds when the emulator stored it, read from the runtime's clock (see `startLocalSes`). */
  at: number;
}

/** Where one mail is shown as its recipient gets it. */
export const MAIL_PATH_PREFIX = '/messages/';

const ASSETS = join(dirname(fileURLToPath(import.meta.url)), 'assets');
const PAGES: Record<string, { file: string; type: string }> = {
  '/': { file: join(ASSETS, 'inbox.html'), type: 'text/html; charset=utf-8' },
  '/inbox.css': { file: join(ASSETS, 'inbox.css'), type: 'text/css; charset=utf-8' },
  '/inbox.js': { file: join(ASSETS, 'inbox.js'), type: 'text/javascript; charset=utf-8' },
};
/** The page runs only its own script; mails are shown in frames of their own (see `answerMail`). */
const PAGE_SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
};
/**
 * A mail runs no script, as in a mail client: the sandbox gives it an opaque origin, so it cannot reach
 * the inbox, while its images (the pixel among them) load and its links open.
 */
const MAIL_SECURITY_HEADERS = {
  'content-security-policy': 'sandbox allow-popups allow-popups-to-escape-sandbox',
  'x-content-type-options': 'nosniff',
  // Each view of the mail is an open of its own, as each rendering in a mail client is.
  'cache-control': 'no-store',
};

/** The inbox page and its script and styles, or `undefined` for any other path. */
export async function answerInboxPage(path: string): Promise<TrackingAnswer | undefined> {
  const page = PAGES[path];
  if (page === undefined) return undefined;
  const body = await readFile(page.file);
  return {
    status: 200,
    headers: { 'content-type': page.type, 'content-length': String(body.length), ...PAGE_SECURITY_HEADERS },
    body,
  };
}

/** The emulator's `/store` answer as the inbox lists it: tracked mails without their open pixel. */
export function listedStore(body: Buffer, engagement: EngagementEvents | undefined): Buffer {
  if (engagement === undefined) return body;
  const store = JSON.parse(body.toString('utf8')) as { emails: StoredEmail[] };
  const emails = store.emails.map((email) => {
    const { html } = email.body;
    if (html === undefined) return email;
    return { ...email, body: { ...email.body, html: engagement.listedHtml(email.messageId, html) } };
  });
  return Buffer.from(JSON.stringify({ ...store, emails }), 'utf8');
}

/**
 * One mail as its recipient gets it: tracked links and the open pixel when SES tracks it, so showing
 * it reports the open. A mail without HTML is shown as its text.
 */
export function answerMail(
  email: StoredEmail | undefined,
  engagement: EngagementEvents | undefined,
): TrackingAnswer {
  if (email === undefined) return plain(404, 'no mail with this id in the inbox');
  const { html, text } = email.body;
  const body =
    html === undefined
      ? Buffer.from(text ?? '', 'utf8')
      : Buffer.from(engagement?.trackedHtml(email.messageId, html) ?? html, 'utf8');
  return {
    status: 200,
    headers: {
      'content-type': html === undefined ? 'text/plain; charset=utf-8' : 'text/html; charset=utf-8',
      'content-length': String(body.length),
      ...MAIL_SECURITY_HEADERS,
    },
    body,
  };
}

function plain(status: number, message: string): TrackingAnswer {
  const body = Buffer.from(message, 'utf8');
  return {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(body.length) },
    body,
  };
}
