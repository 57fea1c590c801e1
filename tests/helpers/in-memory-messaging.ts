import type { DecisionRecord } from '#messaging/domain/decision-record.ts';
import type {
  ClaimResult,
  CustomerRef,
  EmailSender,
  FrequencyHistory,
  JourneyEntry,
  JourneyExit,
  MessageClaim,
  MessagingStore,
  OutgoingEmail,
  SentMessage,
  SlotState,
} from '#messaging/domain/ports.ts';
import type { SuppressionReason } from '#messaging/domain/send-decision.ts';
import { SendThrottledError } from '#messaging/errors.ts';

const ref = (customer: CustomerRef) => `${customer.storeId}#${customer.customerKey}`;

/** The messaging port over maps, with the DynamoDB adapter's conditional-write rules. */
export class InMemoryMessagingStore implements MessagingStore {
  readonly messages = new Map<string, MessageClaim & { status: 'claimed' | 'sent'; messageId?: string }>();
  readonly frequency = new Map<string, { sentAt: Date[]; version: number }>();
  readonly decisions = new Map<string, DecisionRecord[]>();
  readonly suppressions = new Map<string, { reason: SuppressionReason; at: string }>();
  readonly triggers = new Map<string, string>();

  async claimMessage(customer: CustomerRef, claim: MessageClaim, leaseMs: number): Promise<ClaimResult> {
    const id = `${ref(customer)}#${claim.messageKey}`;
    const existing = this.messages.get(id);
    if (existing?.status === 'sent') return { outcome: 'already-sent' };
    if (existing !== undefined && Date.parse(existing.claimedAt) >= Date.parse(claim.claimedAt) - leaseMs)
      return { outcome: 'in-progress', claimedAt: existing.claimedAt };
    this.messages.set(id, { ...claim, status: 'claimed' });
    return {
      outcome: 'claimed',
      ...(existing?.reservedAt !== undefined && { replacedReservation: existing.reservedAt }),
    };
  }

  async findSlot(customer: CustomerRef, messageKey: string): Promise<SlotState | undefined> {
    const slot = this.messages.get(`${ref(customer)}#${messageKey}`);
    if (slot === undefined) return undefined;
    if (slot.status === 'sent')
      return { status: 'sent', ...(slot.messageId !== undefined && { messageId: slot.messageId }) };
    return {
      status: 'claimed',
      claimedAt: slot.claimedAt,
      ...(slot.reservedAt !== undefined && { reservedAt: slot.reservedAt }),
    };
  }

  readonly sesMessages = new Map<string, SentMessage & CustomerRef>();
  readonly entries = new Map<string, JourneyEntry>();

  async recordEntry(customer: CustomerRef, entry: JourneyEntry) {
    const id = `${ref(customer)}#${entry.journey}#${entry.subjectKey}`;
    if (!this.entries.has(id)) this.entries.set(id, entry);
  }

  readonly exits = new Map<string, JourneyExit>();

  async recordExit(customer: CustomerRef, exit: JourneyExit) {
    const id = `${ref(customer)}#${exit.journey}#${exit.subjectKey}`;
    if (!this.exits.has(id)) this.exits.set(id, exit);
  }

  /** `markSent` calls still to fail, as in a DynamoDB outage right after SES accepted a mail. */
  failMarkSent = 0;

  /** The send path's write; like the DynamoDB adapter, the slot first, then the SES message id's index. */
  async markSent(customer: CustomerRef, messageKey: string, sent: SentMessage) {
    if (this.failMarkSent > 0) {
      this.failMarkSent -= 1;
      throw new Error('ProvisionedThroughputExceededException: simulated outage');
    }
    this.markSlotSent(customer, messageKey, sent.messageId, 'overwrite');
    this.sesMessages.set(sent.messageId, { ...customer, ...sent });
  }

  /** Marks the slot sent; `keep-first` leaves a slot already marked as it is (engagement's write). */
  markSlotSent(
    customer: CustomerRef,
    messageKey: string,
    messageId: string,
    mode: 'overwrite' | 'keep-first',
  ) {
    const id = `${ref(customer)}#${messageKey}`;
    const claim = this.messages.get(id);
    if (mode === 'keep-first' && claim?.status === 'sent') return;
    this.messages.set(id, {
      ...(claim ?? { messageKey, template: '', claimedAt: '1970-01-01T00:00:00.000Z' }),
      status: 'sent',
      messageId,
    });
  }

  async releaseClaim(customer: CustomerRef, messageKey: string) {
    const id = `${ref(customer)}#${messageKey}`;
    const claim = this.messages.get(id);
    if (claim?.status === 'claimed')
      this.messages.set(id, { ...claim, claimedAt: '1970-01-01T00:00:00.000Z' });
  }

  async loadFrequency(customer: CustomerRef): Promise<FrequencyHistory> {
    const stored = this.frequency.get(ref(customer));
    return stored === undefined
      ? { sentAt: [], version: undefined }
      : { sentAt: [...stored.sentAt], version: stored.version };
  }

  async saveFrequency(customer: CustomerRef, sentAt: Date[], expectedVersion: number | undefined) {
    const stored = this.frequency.get(ref(customer));
    if (stored?.version !== expectedVersion) return 'conflict' as const;
    this.frequency.set(ref(customer), { sentAt, version: (expectedVersion ?? 0) + 1 });
    return 'saved' as const;
  }

  async recordDecision(customer: CustomerRef, record: DecisionRecord) {
    this.decisions.set(ref(customer), [...(this.decisions.get(ref(customer)) ?? []), record]);
  }

  async listDecisions(customer: CustomerRef, limit: number) {
    return [...(this.decisions.get(ref(customer)) ?? [])].reverse().slice(0, limit);
  }

  async findSuppression(storeId: string, email: string) {
    return this.suppressions.get(`${storeId}#${email}`);
  }

  async suppress(storeId: string, email: string, suppression: { reason: SuppressionReason; at: string }) {
    this.suppressions.set(`${storeId}#${email}`, suppression);
  }

  async claimTrigger(storeId: string, journey: string, key: string, _at: string, owner: string) {
    const id = `${storeId}#${journey}#${key}`;
    const holder = this.triggers.get(id);
    if (holder !== undefined && holder !== owner) return 'exists' as const;
    this.triggers.set(id, owner);
    return 'claimed' as const;
  }
}

/** Collects mails instead of sending them; `failNext` makes the next send throw like SES throttling. */
export class RecordingMailer implements EmailSender {
  readonly sent: OutgoingEmail[] = [];
  failNext = false;
  /** The next send is refused as SES refuses a mail over the sending rate or daily quota. */
  throttleNext: 'rate' | 'daily' | undefined;

  async send(email: OutgoingEmail) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('SES is unavailable');
    }
    if (this.throttleNext !== undefined) {
      const quota = this.throttleNext;
      this.throttleNext = undefined;
      throw new SendThrottledError(`SES throttled the mail (${quota})`, quota);
    }
    this.sent.push(email);
    return { messageId: `msg-${this.sent.length}` };
  }
}

/**
 * A mailer whose process dies while SES is being called: `send` never answers, so the sender neither
 * sends nor gives its claim back. `called` resolves once the sender got that far (claim and frequency
 * reservation written).
 */
export class DyingMailer implements EmailSender {
  private reached: () => void = () => {};
  readonly called = new Promise<void>((resolve) => {
    this.reached = resolve;
  });

  send(): Promise<{ messageId: string }> {
    this.reached();
    return new Promise(() => {});
  }
}
