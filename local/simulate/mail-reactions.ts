import type { SentMail } from '../ses/local-ses.ts';
import { clickTrackingUrl, openTrackingUrl, trackedLinks } from '../ses/open-click-tracking.ts';

/** A shopper opening or clicking a mail at a virtual time: a request to the tracking endpoints. */
interface Reaction {
  at: number;
  sequence: number;
  url: string;
}

/**
 * The opens and clicks the shoppers decided on, in time order, fired at the local SES's tracking
 * endpoints as a mail client would (the click's redirect is not followed).
 */
export class MailReactions {
  readonly #agenda: Reaction[] = [];
  #sequence = 0;
  opens = 0;
  clicks = 0;

  constructor(private readonly sesEndpoint: string) {}

  plan(mail: SentMail, reaction: { openAt?: number | undefined; clickAt?: number | undefined }): void {
    const target = { baseUrl: this.sesEndpoint, messageId: mail.messageId };
    if (reaction.openAt !== undefined) this.#add(reaction.openAt, openTrackingUrl(target));
    // The mail's call to action: its first tracked link that is not the way out.
    const link = trackedLinks(mail.html ?? '').find((candidate) => !candidate.url.includes('unsubscribe'));
    if (reaction.clickAt !== undefined && link !== undefined) {
      this.#add(reaction.clickAt, clickTrackingUrl(target, link.url));
    }
  }

  nextAt(): number | undefined {
    return this.#agenda[0]?.at;
  }

  /** Fires every reaction due by `now`, in order. */
  async fireDue(now: number): Promise<void> {
    const due: Reaction[] = [];
    while (this.#agenda[0] !== undefined && this.#agenda[0].at <= now)
      due.push(this.#agenda.shift() as Reaction);
    for (const reaction of due) {
      const response = await fetch(reaction.url, { redirect: 'manual' });
      await response.arrayBuffer();
      if (reaction.url.includes('/track/click')) this.clicks += 1;
      else this.opens += 1;
    }
  }

  #add(at: number, url: string): void {
    const reaction = { at, sequence: this.#sequence++, url };
    // Kept sorted by time, then by planning order; reactions are few next to events.
    let index = this.#agenda.length;
    while (index > 0 && (this.#agenda[index - 1] as Reaction).at > at) index -= 1;
    this.#agenda.splice(index, 0, reaction);
  }
}
