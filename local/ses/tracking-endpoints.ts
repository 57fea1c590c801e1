import type { IncomingMessage } from 'node:http';
import { assertUnreachable } from '#shared/errors.ts';
import type { EngagementEvents } from './engagement-events.ts';

export interface TrackingAnswer {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

// A transparent 1×1 GIF, what tracking pixels answer.
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** `/track/open` answers the pixel, `/track/click` redirects to the link; both publish first. */
export async function answerTracking(
  request: IncomingMessage,
  engagement: EngagementEvents,
): Promise<TrackingAnswer> {
  const url = new URL(request.url ?? '/', 'http://local-ses');
  const messageId = url.searchParams.get('m') ?? '';
  if (request.method !== 'GET') return plain(405, 'tracking links are followed with GET');
  const visitor = { ipAddress: clientAddress(request), userAgent: request.headers['user-agent'] ?? '' };
  if (url.pathname === '/track/open') {
    const opened = await engagement.open(messageId, visitor);
    switch (opened.outcome) {
      case 'published':
        return {
          status: 200,
          headers: {
            'content-type': 'image/gif',
            'content-length': String(PIXEL.length),
            'cache-control': 'no-store',
          },
          body: PIXEL,
        };
      case 'unknown-message':
        return plain(404, 'no tracked message with this id');
      default:
        return assertUnreachable(opened);
    }
  }
  const clicked = await engagement.click(messageId, url.searchParams.get('u') ?? '', visitor);
  switch (clicked.outcome) {
    case 'published':
      return {
        status: 302,
        headers: { location: clicked.link, 'content-length': '0' },
        body: Buffer.alloc(0),
      };
    case 'unknown-message':
      return plain(404, 'no tracked message with this id');
    case 'unknown-link':
      return plain(404, 'the message has no tracked link to this address');
    default:
      return assertUnreachable(clicked);
  }
}

export function clientAddress(request: IncomingMessage): string {
  return (request.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

function plain(status: number, message: string): TrackingAnswer {
  const body = Buffer.from(message, 'utf8');
  return {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(body.length) },
    body,
  };
}
