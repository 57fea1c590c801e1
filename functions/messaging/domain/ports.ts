import type { DecisionRecord } from './decision-record.ts';
import type { SuppressionReason } from './send-decision.ts';

/** A message slot claimed for sending: what makes "at most once per (journey, subject, step)" hold. */
export interface MessageClaim {
  messageKey: string;
  template: string;
  claimedAt: string;
  /**
   * The instant this claim puts in the customer's frequency history (marketing mail). Kept on the
   * claim so an attempt that takes an abandoned claim over replaces that reservation instead of
   * adding a second one for the same mail.
   */
  reservedAt?: string;
}

export type ClaimResult =
  /** `replacedReservation`: the reservation of the abandoned or released claim this one took over. */
  | { outcome: 'claimed'; replacedReservation?: string }
  | { outcome: 'already-sent' }
  /** Another claim, younger than the lease, holds the slot. */
  | { outcome: 'in-progress'; claimedAt: string };

/** Where a message slot stands: nothing yet (undefined), claimed by a sender, or sent. */
export type SlotState =
  | { status: 'claimed'; claimedAt: string; reservedAt?: string }
  | { status: 'sent'; messageId?: string };

export interface FrequencyHistory {
  sentAt: Date[];
  /** Version for the conditional write that reserves a slot; undefined when nothing is stored yet. */
  version: number | undefined;
}

export interface OutgoingEmail {
  from: { name: string; address: string };
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
  tags: Record<string, string>;
}

/** Everything the guarded send path keeps per customer, behind single-item conditional writes. */
export interface MessagingStore {
  /**
   * Claims the slot unless it was sent, or is held by a claim younger than `leaseMs` (a crashed
   * sender's claim expires, so a retry can take over without ever sending twice in parallel).
   */
  claimMessage(customer: CustomerRef, claim: MessageClaim, leaseMs: number): Promise<ClaimResult>;
  /** The slot's state, read strongly: whether its mail already went out (a retried or repeated step). */
  findSlot(customer: CustomerRef, messageKey: string): Promise<SlotState | undefined>;
  /**
   * Marks the slot sent, then indexes the SES message id, so engagement events find their customer and
   * journey (an indexed mail's slot is therefore always marked).
   */
  markSent(customer: CustomerRef, messageKey: string, sent: SentMessage): Promise<void>;
  /** Records that a customer entered a journey (once per subject), with their holdout group. */
  recordEntry(customer: CustomerRef, entry: JourneyEntry): Promise<void>;
  /**
   * Records why a journey run for a subject ended early (once per subject: the first exit stays), so
   * "why did no mail come?" has an answer after the run is gone.
   */
  recordExit(customer: CustomerRef, exit: JourneyExit): Promise<void>;
  /** Gives the slot back when the send failed before the mail left, so a retry may send it. */
  releaseClaim(customer: CustomerRef, messageKey: string): Promise<void>;
  loadFrequency(customer: CustomerRef): Promise<FrequencyHistory>;
  saveFrequency(
    customer: CustomerRef,
    sentAt: Date[],
    expectedVersion: number | undefined,
  ): Promise<'saved' | 'conflict'>;
  recordDecision(customer: CustomerRef, record: DecisionRecord): Promise<void>;
  listDecisions(customer: CustomerRef, limit: number): Promise<DecisionRecord[]>;
  findSuppression(
    storeId: string,
    email: string,
  ): Promise<{ reason: SuppressionReason; at: string } | undefined>;
  suppress(
    storeId: string,
    email: string,
    suppression: { reason: SuppressionReason; at: string },
  ): Promise<void>;
  /**
   * Claims a key of a journey's entry once (the trigger, or the subject or customer for re-entry): a
   * duplicate or replayed event starts nothing new. The claim names its `owner` (the run that
   * enters), and the same owner claiming again is answered `claimed`: a retried entry goes on.
   */
  claimTrigger(
    storeId: string,
    journey: string,
    key: string,
    at: string,
    owner: string,
  ): Promise<'claimed' | 'exists'>;
}

export interface SentMessage {
  messageId: string;
  sentAt: string;
  journey: string;
  step: string;
  /** The content variant (template) that went out. */
  variant: string;
  subjectKey: string;
}

export interface JourneyEntry {
  journey: string;
  subjectKey: string;
  at: string;
  heldOut: boolean;
}

export interface JourneyExit {
  journey: string;
  subjectKey: string;
  /** The step whose check ended the run. */
  step: string;
  /** The journey's exit reason (e.g. `ordered`); a string so records from later versions still read. */
  reason: string;
  at: string;
}

export interface CustomerRef {
  storeId: string;
  /** The profile's identity key, e.g. `customer:c-1`. */
  customerKey: string;
}

export interface EmailSender {
  /** Throws `SendThrottledError` when the service refuses the mail for the sending rate or quota. */
  send(email: OutgoingEmail): Promise<{ messageId: string }>;
}
