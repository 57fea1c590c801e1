/** Where tracked links and the open pixel of one message point. */
export interface TrackingTarget {
  /** Origin of the local SES front door, e.g. `http://127.0.0.1:8005`. */
  baseUrl: string;
  messageId: string;
}

/** A link SES would track, with the tags of its `ses:tags` attribute (`linkTags` of the Click event). */
export interface TrackedLink {
  url: string;
  tags: Record<string, string[]>;
}

// An opening `<a …>` tag; quoted attribute values may contain `>`.
const ANCHOR_TAG = /<a\b(?:[^>"']|"[^"]*"|'[^']*')*>/gi;
const HREF_ATTRIBUTE = /(\s)href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;
const NO_TRACK_ATTRIBUTE = /\sses:no-track(?=[\s=/>])/i;
const TAGS_ATTRIBUTE = /\sses:tags\s*=\s*(?:"([^"]*)"|'([^']*)')/i;

/**
 * The HTML as SES click and open tracking leaves it: each tracked link goes through the click
 * endpoint, and a 1×1 pixel is placed before `</body>`. A fragment without `</body>` gets no pixel:
 * there is no place for it that keeps the markup as written.
 */
export function addOpenAndClickTracking(html: string, target: TrackingTarget): string {
  const linked = addClickTracking(html, target);
  const bodyEnd = linked.toLowerCase().lastIndexOf('</body>');
  if (bodyEnd < 0) return linked;
  const pixel = `<img src="${escapeAttribute(openTrackingUrl(target))}" width="1" height="1" alt="">`;
  return `${linked.slice(0, bodyEnd)}${pixel}${linked.slice(bodyEnd)}`;
}

/** Click tracking alone: each tracked link goes through the click endpoint; no open pixel. */
export function addClickTracking(html: string, target: TrackingTarget): string {
  return html.replace(ANCHOR_TAG, (tag) => {
    const link = trackedLinkOf(tag);
    if (link === undefined) return tag;
    return tag.replace(
      HREF_ATTRIBUTE,
      (_match, space: string) => `${space}href="${escapeAttribute(clickTrackingUrl(target, link.url))}"`,
    );
  });
}

/** The links of the HTML that tracking rewrites, in document order. */
export function trackedLinks(html: string): TrackedLink[] {
  return [...html.matchAll(ANCHOR_TAG)].flatMap(([tag]) => trackedLinkOf(tag) ?? []);
}

export function clickTrackingUrl(target: TrackingTarget, url: string): string {
  return `${target.baseUrl}/track/click?m=${encodeURIComponent(target.messageId)}&u=${encodeURIComponent(url)}`;
}

export function openTrackingUrl(target: TrackingTarget): string {
  return `${target.baseUrl}/track/open?m=${encodeURIComponent(target.messageId)}`;
}

function trackedLinkOf(tag: string): TrackedLink | undefined {
  const href = HREF_ATTRIBUTE.exec(tag);
  if (href === null || NO_TRACK_ATTRIBUTE.test(tag)) return undefined;
  const url = decodeEntities((href[2] ?? href[3] ?? href[4] ?? '').trim());
  if (!/^https?:\/\//i.test(url)) return undefined;
  // SES would rewrite this one too unless the anchor says `ses:no-track`. We leave it: opting out is
  // not engagement, so it must not count as a click, and the signed link stays readable in the inbox
  // for whoever follows it by hand.
  if (url.includes('/unsubscribe')) return undefined;
  const tags = TAGS_ATTRIBUTE.exec(tag);
  return { url, tags: parseLinkTags(decodeEntities(tags?.[1] ?? tags?.[2] ?? '')) };
}

/** `ses:tags="campaign:spring;position:hero;"` → `{ campaign: ['spring'], position: ['hero'] }`. */
function parseLinkTags(attribute: string): Record<string, string[]> {
  const tags: Record<string, string[]> = {};
  for (const pair of attribute.split(';')) {
    const separator = pair.indexOf(':');
    if (separator <= 0) continue;
    const name = pair.slice(0, separator).trim();
    const value = pair.slice(separator + 1).trim();
    if (name !== '') tags[name] = [...(tags[name] ?? []), value];
  }
  return tags;
}

const NAMED_ENTITIES = new Map([
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
]);

/** Attribute values carry `&amp;` and friends; the browser follows the decoded URL. */
function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, name: string) => {
    if (!name.startsWith('#')) return NAMED_ENTITIES.get(name.toLowerCase()) ?? entity;
    const hex = name[1] === 'x' || name[1] === 'X';
    const codePoint = Number.parseInt(name.slice(hex ? 2 : 1), hex ? 16 : 10);
    return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : entity;
  });
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
}
