/** Writes one visit's events a tick or more apart, and the events it sets off for later. */
import type { EventType } from '#events/schemas.ts';
import { BEHAVIOUR } from './behaviour.ts';
import type { Random } from './random.ts';
import { type DataOf, plannedEvent } from './shopper-events.ts';
import { claimTick, type ShopperState, scheduleEvent } from './shopper-state.ts';
import { atLeastOneTick, type World } from './simulated-time.ts';

export class VisitWriter {
  private next: number;
  private cut = false;

  constructor(
    readonly world: World,
    readonly state: ShopperState,
    readonly random: Random,
    at: number,
    /** The journey whose mail brought the shopper here, recorded on the orders of this visit. */
    private readonly cause?: string,
  ) {
    this.next = at;
  }

  /** When the next event of the visit would be. */
  get now(): number {
    return this.next;
  }

  /**
   * Writes the visit's next event and returns its time, or undefined once the period is over: the rest
   * of the visit is cut, and the caller stops before changing the shopper's state.
   */
  write<T extends EventType>(type: T, data: DataOf<T> | ((at: number) => DataOf<T>)): number | undefined {
    if (this.cut) return undefined;
    const at = claimTick(this.world, this.state, this.next);
    if (at >= this.world.end) {
      this.cut = true;
      return undefined;
    }
    const body = typeof data === 'function' ? data(at) : data;
    scheduleEvent(this.state, {
      at,
      planned: plannedEvent(this.world, this.state, at, type, body),
      ...(type === 'order.placed' && this.cause !== undefined && { cause: this.cause }),
    });
    this.state.busyUntil = at;
    const { medianSeconds, sigma } = BEHAVIOUR.eventGap;
    this.next = at + atLeastOneTick(this.world, this.random.logNormal(medianSeconds, sigma) * 1000);
    return at;
  }

  /** An event the visit sets off for later (shipping, cancellation); dropped when past the period. */
  later<T extends EventType>(at: number, type: T, data: DataOf<T>): void {
    const tick = claimTick(this.world, this.state, at);
    if (tick >= this.world.end) return;
    scheduleEvent(this.state, { at: tick, planned: plannedEvent(this.world, this.state, tick, type, data) });
  }
}
