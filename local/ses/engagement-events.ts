import { randomUUID } from 'node:crypto';
import { assertUnreachable } from '#shared/errors.ts';
import {
  type AcceptedMail,
  type Engagement,
  engagementEvent,
  type SesEngagementEvent,
  type SesMail,
  sesMail,
} from './event-records.ts';
import { type SimulatedOutcome, simulatedOutcome } from './mailbox-simulator.ts';
import { addClickTracking, addOpenAndClickTracking, trackedLinks } from './open-click-tracking.ts';

/** Puts one SES event on EventBridge (the account's default bus, in the cloud). */
export type PublishSesEvent = (event: SesEngagementEvent) => Promise<unknown>;

/** Who opened or clicked: what SES reads off the tracking request. */
export interface Visitor {
  ipAddress: string;
  userAgent: string;
}

export type OpenResult = { outcome: 'published' } | { outcome: 'unknown-message' };
export type ClickResult =
  | { outcome: 'published'; link: string }
  | { outcome: 'unknown-message' }
  | { outcome: 'unknown-link' };

interface TrackedMessage {
  mail: SesMail;
  configurationSetArn: string;
  /** The message's tracked links with their `ses:tags`; a click elsewhere is not ours to redirect. */
  links: Map<string, Record<string, string[]>>;
}

/** Real milliseconds between SendEmail's answer and its first event, unless told otherwise. */
export const SES_EVENT_DELAY_MS = 500;

/**
 * The engagement SES publishes through a configuration set: Send, then Delivery or what the mailbox
 * simulator makes of the recipient, and later Open and Click from the tracking endpoints. Events go
 * out one at a time in the order they happened, so a consumer sees Send before Delivery as it would
 * nearly always in the cloud.
 */
export class EngagementEvents {
  private readonly messages = new Map<string, TrackedMessage>();
  private tail: Promise<void> = Promise.resolve();
  /** Outcomes still in their pause before they join the queue. */
  private readonly pausing = new Set<Promise<void>>();
  /** With `holdOutcomes`: accepted mails whose events wait for `releaseHeld`. */
  private held: Array<{ messageId: string; answered: Promise<unknown> }> = [];

  constructor(
    private readonly options: {
      publish: PublishSesEvent;
      now: () => number;
      /** Origin of the tracking endpoints. */
      baseUrl: string;
      onError: (error: unknown) => void;
      /** Real milliseconds between SendEmail's answer and its first event. @default SES_EVENT_DELAY_MS */
      eventDelayMs?: number;
      /**
       * Keep each mail's events until `releaseHeld` instead of pausing: a simulation on manual time
       * releases them once the sender has recorded its mails, so no run depends on a race.
       */
      holdOutcomes?: boolean;
    },
  ) {}

  /**
   * Publishes the held mails' events, ordered by recipient and subject rather than by arrival, and
   * says how many mails they were.
   */
  releaseHeld(): number {
    const held = this.held;
    this.held = [];
    const keyOf = ({ messageId }: { messageId: string }) => {
      const mail = this.messages.get(messageId)?.mail;
      return `${mail?.destination.join(',') ?? ''}\u0000${mail?.commonHeaders.subject ?? ''}\u0000${messageId}`;
    };
    held.sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0));
    for (const { messageId, answered } of held) {
      const queued = answered.then(() => this.enqueueOutcome(messageId));
      this.pausing.add(queued);
      void queued.finally(() => this.pausing.delete(queued));
    }
    return held.length;
  }

  /** Registers an accepted mail so its HTML is tracked and its opens and clicks are known. */
  accept(accepted: AcceptedMail, html: string | undefined): void {
    this.messages.set(accepted.messageId, {
      mail: sesMail(accepted),
      configurationSetArn: `arn:aws:ses:${accepted.region}:${accepted.account}:configuration-set/${accepted.configurationSetName}`,
      links: new Map((html === undefined ? [] : trackedLinks(html)).map((link) => [link.url, link.tags])),
    });
  }

  /**
   * Queues the Send event and the recipients' outcomes of an accepted mail, to go out a pause after
   * `answered` (SendEmail's answer reached the caller).
   */
  publishOutcome(messageId: string, answered: Promise<unknown> = Promise.resolve()): Promise<void> {
    if (this.options.holdOutcomes === true) {
      this.held.push({ messageId, answered });
      return Promise.resolve();
    }
    // SES publishes asynchronously, well after SendEmail has answered; without this pause the local
    // chain is fast enough to deliver the events before the sender has recorded the message. Each mail
    // pauses on its own, so a burst of mails is not published one pause after another.
    const pause = answered.then(
      () =>
        new Promise<void>((resolve) => setTimeout(resolve, this.options.eventDelayMs ?? SES_EVENT_DELAY_MS)),
    );
    this.pausing.add(pause);
    return pause.then(() => {
      this.pausing.delete(pause);
      return this.enqueueOutcome(messageId);
    });
  }

  private enqueueOutcome(messageId: string): Promise<void> {
    return this.enqueue(async () => {
      const message = this.messages.get(messageId);
      if (message === undefined) return;
      await this.publish(message, { eventType: 'Send', at: new Date(message.mail.timestamp) });
      const byOutcome = new Map<SimulatedOutcome, string[]>();
      for (const recipient of message.mail.destination) {
        const outcome = simulatedOutcome(recipient);
        byOutcome.set(outcome, [...(byOutcome.get(outcome) ?? []), recipient]);
      }
      const delivered = [
        ...(byOutcome.get('delivered') ?? []),
        ...(byOutcome.get('out-of-office') ?? []),
        ...(byOutcome.get('complained') ?? []),
      ];
      if (delivered.length > 0) {
        await this.publish(message, { eventType: 'Delivery', at: this.now(), recipients: delivered });
      }
      for (const [outcome, recipients] of byOutcome) {
        switch (outcome) {
          case 'delivered':
          case 'out-of-office':
            break;
          case 'bounced':
            await this.publish(message, bounce('General', recipients, this.now()));
            break;
          case 'suppressed':
            await this.publish(message, bounce('OnAccountSuppressionList', recipients, this.now()));
            break;
          case 'complained':
            await this.publish(message, {
              eventType: 'Complaint',
              at: this.now(),
              recipients,
              feedbackId: feedbackId(),
            });
            break;
          default:
            assertUnreachable(outcome);
        }
      }
    });
  }

  isTracked(messageId: string): boolean {
    return this.messages.has(messageId);
  }

  /** The HTML as the recipient gets it: tracked links and the open pixel for tracked mails. */
  trackedHtml(messageId: string, html: string): string {
    if (!this.messages.has(messageId)) return html;
    return addOpenAndClickTracking(html, { baseUrl: this.options.baseUrl, messageId });
  }

  /**
   * The HTML as an inbox listing shows it: tracked links (following one is a click wherever it
   * happens) but no open pixel, which would load by itself and report an open nobody made.
   */
  listedHtml(messageId: string, html: string): string {
    if (!this.messages.has(messageId)) return html;
    return addClickTracking(html, { baseUrl: this.options.baseUrl, messageId });
  }

  async open(messageId: string, visitor: Visitor): Promise<OpenResult> {
    const message = this.messages.get(messageId);
    if (message === undefined) return { outcome: 'unknown-message' };
    const at = this.now();
    await this.enqueue(() => this.publish(message, { eventType: 'Open', at, ...visitor }));
    return { outcome: 'published' };
  }

  async click(messageId: string, link: string, visitor: Visitor): Promise<ClickResult> {
    const message = this.messages.get(messageId);
    if (message === undefined) return { outcome: 'unknown-message' };
    const linkTags = message.links.get(link);
    if (linkTags === undefined) return { outcome: 'unknown-link' };
    const at = this.now();
    await this.enqueue(() => this.publish(message, { eventType: 'Click', at, link, linkTags, ...visitor }));
    return { outcome: 'published', link };
  }

  /** Resolves when every event produced so far has been published (or reported as failed). */
  async settle(): Promise<void> {
    let tail: Promise<void>;
    do {
      await Promise.all([...this.pausing]);
      tail = this.tail;
      await tail;
    } while (tail !== this.tail || this.pausing.size > 0);
  }

  clear(): void {
    this.messages.clear();
  }

  private publish(message: TrackedMessage, engagement: Engagement): Promise<unknown> {
    return this.options.publish(engagementEvent(message.mail, engagement, message.configurationSetArn));
  }

  /** Runs after everything queued before it; a failure is reported and does not stop the queue. */
  private enqueue(task: () => Promise<unknown>): Promise<void> {
    const run = this.tail.then(task).then(
      () => undefined,
      (error: unknown) => this.options.onError(error),
    );
    this.tail = run;
    return run;
  }

  private now(): Date {
    return new Date(this.options.now());
  }
}

function bounce(subType: 'General' | 'OnAccountSuppressionList', recipients: string[], at: Date): Engagement {
  return { eventType: 'Bounce', at, subType, recipients, feedbackId: feedbackId() };
}

/** Shaped like SES's feedback ids; only uniqueness matters to consumers. */
function feedbackId(): string {
  return `${Date.now().toString(16).padStart(16, '0')}-${randomUUID()}-000000`;
}
