/**
 * The simulated shoppers of `simulate`: pure and deterministic. The driver pulls the events that are due
 * as its virtual clock advances and reports the mails the runtime sent; the shoppers react to them. Each
 * shopper plans one visit at a time, when it begins, so memory stays small and mail can change what the
 * shopper does next.
 */
import { addressOf, simulatedOutcome } from '#local/ses/mailbox-simulator.ts';
import { agendaHeap } from './agenda-heap.ts';
import { type GroundTruth, GroundTruthTally } from './ground-truth.ts';
import { type MailReaction, reactToMail, type SentMail } from './mail-reactions.ts';
import type { PlannedEvent } from './planned-event.ts';
import { type Seed, seedTag } from './random.ts';
import {
  createShopper,
  type Shopper,
  shopperNumberOf,
  shopperNumberOfCustomerId,
} from './shopper-identity.ts';
import { createShopperState, type ShopperState } from './shopper-state.ts';
import { DAY_MS, type World } from './simulated-time.ts';
import { planFirstVisits, runVisit } from './visits.ts';

export interface SyntheticShoppersOptions {
  /** 0 to 999,999: customer ids are `sim-` and six digits, so they sort like their numbers. */
  customers: number;
  /** Length of the period; nothing is planned at or after start + days. */
  days: number;
  seed: Seed;
  /** Virtual start, epoch ms. */
  start: number;
  /** Every event time is start + k · tickMs (e.g. 60_000). */
  tickMs: number;
}

const MAX_CUSTOMERS = 999_999;

export class SyntheticShoppers {
  readonly start: number;
  readonly end: number;
  readonly tickMs: number;
  private readonly world: World;
  private readonly states: ShopperState[];
  private readonly heap = agendaHeap();
  private readonly tally = new GroundTruthTally();
  /** Every event at or before it has been handed out. */
  private handedOutUntil: number;

  constructor(options: SyntheticShoppersOptions) {
    const { customers, days, seed, start, tickMs } = options;
    if (!Number.isInteger(customers) || customers < 0 || customers > MAX_CUSTOMERS) {
      throw new RangeError(`customers must be a whole number from 0 to ${MAX_CUSTOMERS}, not ${customers}`);
    }
    if (!(days > 0) || !Number.isFinite(days)) throw new RangeError(`days must be positive, not ${days}`);
    if (!Number.isSafeInteger(tickMs) || tickMs <= 0) {
      throw new RangeError(`tickMs must be a positive whole number, not ${tickMs}`);
    }
    if (!Number.isSafeInteger(start)) throw new RangeError(`start must be epoch milliseconds, not ${start}`);
    this.start = start;
    this.end = start + days * DAY_MS;
    this.tickMs = tickMs;
    this.world = { seed, tag: seedTag(seed), start, end: this.end, tickMs };
    this.handedOutUntil = start - tickMs;
    this.states = Array.from({ length: customers }, (_, index) => {
      const state = createShopperState(this.world, createShopper(seed, index + 1));
      planFirstVisits(this.world, state);
      this.queue(state);
      return state;
    });
  }

  get customers(): number {
    return this.states.length;
  }

  /**
   * The events at or before `untilMs` not handed out before, ordered by time, then customer id, then
   * sequence. One customer never has two events at the same tick.
   */
  eventsDue(untilMs: number): PlannedEvent[] {
    const due: PlannedEvent[] = [];
    for (let entry = this.heap.peek(); entry !== undefined && entry.at <= untilMs; entry = this.heap.peek()) {
      this.heap.pop();
      const state = this.states[entry.shopper - 1] as ShopperState;
      const head = state.agenda[0];
      if (head === undefined || head.at !== entry.at) continue;
      state.agenda.shift();
      if (head.kind === 'event') {
        state.takenTicks.delete(head.at);
        state.lastHandedOutAt = head.at;
        this.tally.record(head);
        due.push(head.planned);
      } else {
        runVisit(this.world, state, head.visit, head.at);
      }
      this.queue(state);
    }
    this.handedOutUntil = Math.max(this.handedOutUntil, untilMs);
    return due;
  }

  /** The time of the next pending event, or undefined when nothing is planned (until more mail comes). */
  nextEventAt(): number | undefined {
    for (let entry = this.heap.peek(); entry !== undefined; entry = this.heap.peek()) {
      const head = this.states[entry.shopper - 1]?.agenda[0];
      // A visit's first event falls on the visit's own tick, or a later one when an event of the same
      // shopper already holds it — so the head's time is the next event's time either way.
      if (head !== undefined && head.at === entry.at) return entry.at;
      this.heap.pop();
    }
    return undefined;
  }

  /**
   * The recipient reacts to a mail the runtime sent. Mail to SES simulator addresses (which bounce or
   * complain) and to addresses that are not a simulated shopper's gets no reaction.
   */
  onMail(mail: SentMail): MailReaction {
    const address = addressOf(mail.recipient).toLowerCase();
    if (simulatedOutcome(address) !== 'delivered') return {};
    const state = this.stateOf(address);
    if (state === undefined) return {};
    const reaction = reactToMail(this.world, state, mail, this.handedOutUntil);
    this.queue(state);
    return reaction;
  }

  groundTruth(): GroundTruth {
    return this.tally.snapshot(this.states.length);
  }

  /** Who a simulated customer is (persona, e-mail, time zone…), for reports and checks. */
  shopper(customerId: string): Shopper | undefined {
    const number = shopperNumberOfCustomerId(customerId);
    const state = number === undefined ? undefined : this.states[number - 1];
    return state?.shopper.customerId === customerId ? state.shopper : undefined;
  }

  private stateOf(address: string): ShopperState | undefined {
    const number = shopperNumberOf(address);
    const state = number === undefined ? undefined : this.states[number - 1];
    return state?.shopper.email === address ? state : undefined;
  }

  /** Keeps a heap entry for the shopper's next agenda item; older entries go stale and are skipped. */
  private queue(state: ShopperState): void {
    const head = state.agenda[0];
    if (head !== undefined) this.heap.push({ at: head.at, shopper: state.shopper.number });
  }
}
