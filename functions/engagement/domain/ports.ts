import type { Money } from '#events/schemas.ts';
import type { CustomerRef, JourneyEntry, SentMessage } from '#messaging/domain/ports.ts';
import type { SuppressionReason } from '#messaging/domain/send-decision.ts';
import type { AttributionRecord, ConversionRecord } from './attribution-rules.ts';
import type { EngagementSummary } from './engagement-summary.ts';
import type { MessageEngagementState } from './message-engagement.ts';

/** A mail as the send path indexed it by its SES message id. */
export interface SentMessageRecord {
  storeId: string;
  customerKey: string;
  messageKey?: string;
  messageId: string;
  sentAt: string;
  journey: string;
  step: string;
  variant: string;
  subjectKey: string;
}

export interface StoredMessage {
  message: SentMessageRecord;
  state: MessageEngagementState;
  /** Version for the next conditional write; undefined while no engagement was recorded yet. */
  version: number | undefined;
}

export interface StoredSummary {
  summary: EngagementSummary;
  version: number;
}

export type SaveResult = 'saved' | 'conflict';

/** Single-item reads and conditional writes on the Messages table: all the engagement rules need. */
export interface EngagementStore {
  loadMessage(messageId: string): Promise<StoredMessage | undefined>;
  /**
   * Records a mail the send path did not record, from what SES reported: marks its slot sent (so a
   * retried step does not send it again) and indexes its message id, as the send path's `markSent`
   * would. A slot or index already recorded is left as it is.
   */
  recordSentFromSes(customer: CustomerRef, messageKey: string, sent: SentMessage): Promise<void>;
  /**
   * Writes the engagement onto the sent-message item if its version is still `expectedVersion`.
   * Never creates the item: a mail the send path did not index is not ours.
   */
  saveMessageEngagement(
    messageId: string,
    state: MessageEngagementState,
    expectedVersion: number | undefined,
  ): Promise<SaveResult>;
  loadSummary(customer: CustomerRef): Promise<StoredSummary | undefined>;
  saveSummary(
    customer: CustomerRef,
    summary: EngagementSummary,
    expectedVersion: number | undefined,
  ): Promise<SaveResult>;
  /** Suppresses the address unless it already is, for a reason not in `replaces`. */
  suppress(
    storeId: string,
    email: string,
    suppression: { reason: SuppressionReason; at: string },
    replaces: readonly SuppressionReason[],
  ): Promise<'suppressed' | 'exists'>;
}

/** What attribution reads and the records it writes once per order. */
export interface AttributionStore {
  loadSummary(customer: CustomerRef): Promise<StoredSummary | undefined>;
  /** Journey entries of the customer at or after `since`. */
  listEntries(customer: CustomerRef, since: string): Promise<JourneyEntry[]>;
  findAttribution(customer: CustomerRef, orderId: string): Promise<AttributionRecord | undefined>;
  /** The customer's attributed orders placed from `from` to `to`, both inclusive. */
  listAttributions(customer: CustomerRef, from: string, to: string): Promise<AttributionRecord[]>;
  /** Records the attribution unless one exists for the order. */
  recordAttribution(customer: CustomerRef, record: AttributionRecord): Promise<'recorded' | 'exists'>;
  /**
   * Sets the attribution's remaining revenue and adds the reversal's id, if the remaining revenue is
   * still `expectedNet` (absent: untouched) and the id not yet applied.
   */
  adjustAttribution(
    customer: CustomerRef,
    orderId: string,
    adjustment: { id: string; netRevenue: Money; expectedNet: Money | undefined },
  ): Promise<'applied' | 'conflict'>;
  /** Records the conversion unless one exists for the (journey, order). */
  recordConversion(customer: CustomerRef, record: ConversionRecord): Promise<'recorded' | 'exists'>;
}
