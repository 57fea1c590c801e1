import type { AttributionRecord, ConversionRecord } from '#engagement/domain/attribution-rules.ts';
import type { EngagementSummary } from '#engagement/domain/engagement-summary.ts';
import {
  emptyMessageEngagement,
  type MessageEngagementState,
} from '#engagement/domain/message-engagement.ts';
import type {
  AttributionStore,
  EngagementStore,
  SaveResult,
  SentMessageRecord,
  StoredMessage,
  StoredSummary,
} from '#engagement/domain/ports.ts';
import type { Money } from '#events/schemas.ts';
import type { CustomerRef, JourneyEntry, SentMessage } from '#messaging/domain/ports.ts';
import type { SuppressionReason } from '#messaging/domain/send-decision.ts';

const ref = ({ storeId, customerKey }: CustomerRef) => `${storeId}#${customerKey}`;

/** The engagement ports over maps, with the DynamoDB adapter's conditional-write rules. */
export class InMemoryEngagementStore implements EngagementStore, AttributionStore {
  readonly messages = new Map<string, StoredMessage>();
  readonly summaries = new Map<string, StoredSummary>();
  readonly suppressions = new Map<string, { reason: SuppressionReason; at: string }>();
  readonly entries = new Map<string, JourneyEntry[]>();
  readonly attributions = new Map<string, AttributionRecord>();
  readonly conversions = new Map<string, ConversionRecord>();
  /** Slots `recordSentFromSes` marked sent, by `storeId#customerKey#messageKey`. */
  readonly sentSlots = new Map<string, string>();

  /**
   * @param messaging the send path's store, when a test needs both sides of the Messages table: the
   *   slots this store marks sent are then the ones the send path reads.
   */
  constructor(
    private readonly messaging?: {
      markSlotSent(customer: CustomerRef, messageKey: string, messageId: string, mode: 'keep-first'): void;
    },
  ) {}

  /** Makes the next summary save throw, as if the process died between the two writes. */
  crashOnNextSummarySave = false;
  /** Makes the next conversion write throw, as if the process died after the attribution. */
  crashOnNextConversion = false;

  /** What the send path's `markSent` indexes. */
  addSentMessage(message: SentMessageRecord): void {
    this.messages.set(message.messageId, { message, state: emptyMessageEngagement(), version: undefined });
  }

  addEntry(customer: CustomerRef, entry: JourneyEntry): void {
    this.entries.set(ref(customer), [...(this.entries.get(ref(customer)) ?? []), entry]);
  }

  summaryOf(customer: CustomerRef): EngagementSummary | undefined {
    return this.summaries.get(ref(customer))?.summary;
  }

  stateOf(messageId: string): MessageEngagementState | undefined {
    return this.messages.get(messageId)?.state;
  }

  attributionOf(customer: CustomerRef, orderId: string): AttributionRecord | undefined {
    return this.attributions.get(`${ref(customer)}#${orderId}`);
  }

  conversionsOf(customer: CustomerRef): ConversionRecord[] {
    return [...this.conversions.entries()]
      .filter(([key]) => key.startsWith(`${ref(customer)}#`))
      .map(([, record]) => record);
  }

  async loadMessage(messageId: string) {
    const stored = this.messages.get(messageId);
    return stored && structuredClone(stored);
  }

  async recordSentFromSes(customer: CustomerRef, messageKey: string, sent: SentMessage) {
    const slot = `${ref(customer)}#${messageKey}`;
    if (!this.sentSlots.has(slot)) this.sentSlots.set(slot, sent.messageId);
    this.messaging?.markSlotSent(customer, messageKey, sent.messageId, 'keep-first');
    if (!this.messages.has(sent.messageId)) this.addSentMessage({ ...customer, messageKey, ...sent });
  }

  async saveMessageEngagement(
    messageId: string,
    state: MessageEngagementState,
    expectedVersion: number | undefined,
  ): Promise<SaveResult> {
    const stored = this.messages.get(messageId);
    if (stored === undefined || stored.version !== expectedVersion) return 'conflict';
    this.messages.set(messageId, {
      ...stored,
      state: structuredClone(state),
      version: (expectedVersion ?? 0) + 1,
    });
    return 'saved';
  }

  async loadSummary(customer: CustomerRef) {
    const stored = this.summaries.get(ref(customer));
    return stored && structuredClone(stored);
  }

  async saveSummary(customer: CustomerRef, summary: EngagementSummary, expectedVersion: number | undefined) {
    if (this.crashOnNextSummarySave) {
      this.crashOnNextSummarySave = false;
      throw new Error('simulated crash');
    }
    if (this.summaries.get(ref(customer))?.version !== expectedVersion) return 'conflict' as const;
    this.summaries.set(ref(customer), {
      summary: structuredClone(summary),
      version: (expectedVersion ?? 0) + 1,
    });
    return 'saved' as const;
  }

  async suppress(
    storeId: string,
    email: string,
    suppression: { reason: SuppressionReason; at: string },
    replaces: readonly SuppressionReason[],
  ) {
    const existing = this.suppressions.get(`${storeId}#${email}`);
    if (existing !== undefined && !replaces.includes(existing.reason)) return 'exists' as const;
    this.suppressions.set(`${storeId}#${email}`, suppression);
    return 'suppressed' as const;
  }

  async listEntries(customer: CustomerRef, since: string) {
    return (this.entries.get(ref(customer)) ?? []).filter((entry) => entry.at >= since);
  }

  async listAttributions(customer: CustomerRef, from: string, to: string) {
    const prefix = `${ref(customer)}#`;
    return [...this.attributions.entries()]
      .filter(([key, record]) => key.startsWith(prefix) && record.at >= from && record.at <= to)
      .map(([, record]) => record);
  }

  async findAttribution(customer: CustomerRef, orderId: string) {
    return this.attributions.get(`${ref(customer)}#${orderId}`);
  }

  async adjustAttribution(
    customer: CustomerRef,
    orderId: string,
    adjustment: { id: string; netRevenue: Money; expectedNet: Money | undefined },
  ) {
    const key = `${ref(customer)}#${orderId}`;
    const record = this.attributions.get(key);
    if (record === undefined || 'unattributed' in record) return 'conflict' as const;
    const sameNet = JSON.stringify(record.netRevenue) === JSON.stringify(adjustment.expectedNet);
    if (!sameNet || (record.adjustmentIds ?? []).includes(adjustment.id)) return 'conflict' as const;
    this.attributions.set(key, {
      ...record,
      netRevenue: adjustment.netRevenue,
      adjustmentIds: [...(record.adjustmentIds ?? []), adjustment.id],
    });
    return 'applied' as const;
  }

  async recordAttribution(customer: CustomerRef, record: AttributionRecord) {
    const key = `${ref(customer)}#${record.orderId}`;
    if (this.attributions.has(key)) return 'exists' as const;
    this.attributions.set(key, record);
    return 'recorded' as const;
  }

  async recordConversion(customer: CustomerRef, record: ConversionRecord) {
    if (this.crashOnNextConversion) {
      this.crashOnNextConversion = false;
      throw new Error('simulated crash');
    }
    const key = `${ref(customer)}#${record.journey}#${record.orderId}`;
    if (this.conversions.has(key)) return 'exists' as const;
    this.conversions.set(key, record);
    return 'recorded' as const;
  }
}
