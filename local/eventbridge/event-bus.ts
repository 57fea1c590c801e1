import { randomUUID } from 'node:crypto';
import type { TargetInputConfiguration } from './input-transformer.ts';
import { type CompiledEventPattern, compileEventPattern, matchesEventPattern } from './pattern/index.ts';

const BILLING_CHUNK_BYTES = 64 * 1024;
export interface BusEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: unknown;
  'replay-name'?: string;
}

export interface RuleTarget extends TargetInputConfiguration {
  id: string;
  arn: string;
  /** Where an event goes when the target cannot take it (the target's DeadLetterConfig). */
  deadLetterArn?: string;
  /** The rule's name, for `<aws.events.rule-name>` in input templates. */
  ruleName?: string;
}

export interface RuleDefinition {
  name: string;
  busName: string;
  pattern: unknown;
  targets: RuleTarget[];
}

/** Hands an event to a target by its ARN (an SQS queue, later a state machine). */
export type TargetDelivery = (target: RuleTarget, event: BusEvent) => Promise<void>;

interface CompiledRule extends RuleDefinition {
  compiled: CompiledEventPattern;
}

export interface EventBusStats {
  putEvents: number;
  /** Events as EventBridge bills them: one per started 64 KB of each event. */
  billedEvents: number;
  matchedDeliveries: number;
  failedDeliveries: number;
}

/**
 * The buses, rules and archives the template declares. Rules are compiled once; each event goes to
 * every target of every matching rule, and failed deliveries to the target's dead-letter queue.
 */
export class LocalEventBuses {
  private readonly rules: CompiledRule[];
  private readonly archives = new Map<string, BusEvent[]>();
  readonly stats: EventBusStats = {
    putEvents: 0,
    billedEvents: 0,
    matchedDeliveries: 0,
    failedDeliveries: 0,
  };

  constructor(
    readonly busNames: string[],
    rules: RuleDefinition[],
    archivedBuses: string[],
    private readonly deliver: TargetDelivery,
    private readonly options: { account: string; region: string; onDeliveryError?: (error: unknown) => void },
  ) {
    this.rules = rules.map((rule) => ({ ...rule, compiled: compileEventPattern(rule.pattern) }));
    for (const bus of archivedBuses) this.archives.set(bus, []);
  }

  hasBus(name: string): boolean {
    return this.busNames.includes(name);
  }

  /** Builds the event EventBridge would put on the bus, archives it, and routes it. */
  async put(
    busName: string,
    entry: { source: string; detailType: string; detail: unknown; time?: Date; resources?: string[] },
  ) {
    const event: BusEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.detailType,
      source: entry.source,
      account: this.options.account,
      time: (entry.time ?? new Date()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.options.region,
      resources: entry.resources ?? [],
      detail: entry.detail,
    };
    this.stats.putEvents += 1;
    this.stats.billedEvents += Math.max(
      1,
      Math.ceil(Buffer.byteLength(JSON.stringify(event)) / BILLING_CHUNK_BYTES),
    );
    this.archives.get(busName)?.push(event);
    await this.route(busName, event);
    return event;
  }

  /** Sends archived events again, marked with `replay-name` as EventBridge replays are. */
  async replay(busName: string, replayName: string, from: Date, to: Date): Promise<number> {
    const events = (this.archives.get(busName) ?? []).filter((event) => {
      const time = Date.parse(event.time);
      return time >= from.getTime() && time <= to.getTime();
    });
    for (const event of events) await this.route(busName, { ...event, 'replay-name': replayName });
    return events.length;
  }

  archived(busName: string): readonly BusEvent[] {
    return this.archives.get(busName) ?? [];
  }

  private async route(busName: string, event: BusEvent): Promise<void> {
    const deliveries: Promise<void>[] = [];
    for (const rule of this.rules) {
      if (rule.busName !== busName || !matchesEventPattern(rule.compiled, event)) continue;
      for (const target of rule.targets) deliveries.push(this.deliverOrDeadLetter(target, event));
    }
    await Promise.all(deliveries);
  }

  private async deliverOrDeadLetter(target: RuleTarget, event: BusEvent): Promise<void> {
    this.stats.matchedDeliveries += 1;
    try {
      await this.deliver(target, event);
    } catch (error) {
      this.stats.failedDeliveries += 1;
      this.options.onDeliveryError?.(error);
      if (target.deadLetterArn === undefined) throw error;
      await this.deliver({ id: `${target.id}-dlq`, arn: target.deadLetterArn }, event);
    }
  }
}
