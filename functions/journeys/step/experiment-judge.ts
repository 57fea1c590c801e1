/**
 * An experiment's automatic winner, applied at send time. Its figures are the flow counters of the
 * experiment's node, per variant: `sent@<variant>` (the step), `opened@` and `clicked@` (engagement,
 * once per mail), `converted@` and `revenue:<currency>@` in minor units (attribution, once per
 * order credited to a mail of the variant). Once `decideWinner` declares a winner it is recorded
 * once per store and node, and every later customer gets it.
 */
import { fromMinorUnits } from '#events/money.ts';
import { decideWinner, type VariantResult } from '#journeys/definition/experiments.ts';
import type { JourneyNode } from '#journeys/definition/schema.ts';
import type { FlowTally } from './flow-counts.ts';
import type { FlowCounter } from './ports.ts';

type Experiment = Extract<JourneyNode, { experiment: unknown }>['experiment'];

const DAY_MS = 86_400_000;
/** The counters are kept this long; an experiment's figures are read over all of them. */
const RESULTS_DAYS = 400;
/** A container re-reads an undecided experiment at most this often: deciding reads every counter. */
export const RECHECK_MS = 15 * 60 * 1000;

/** The counter names of a variant's figures; `revenue:<currency>` holds minor units. */
export const experimentCounters = {
  recipients: 'sent',
  opens: 'opened',
  clicks: 'clicked',
  conversions: 'converted',
  revenue: 'revenue:',
} as const;

/**
 * What a mail of an experiment variant adds to its node's counters when it is first opened or
 * clicked, or when an order is credited to it. Experiment mails carry the variant as
 * `<node>:<variant>`; other mails add nothing.
 */
export function experimentTallyOf(
  mail: { step: string; variant: string },
  figures: { opened?: boolean; clicked?: boolean; order?: { currency: string; minorUnits: number } },
): FlowTally | undefined {
  const [node, variant] = mail.variant.split(':');
  if (variant === undefined || node !== mail.step) return undefined;
  const names = [
    ...(figures.opened ? [`${experimentCounters.opens}@${variant}`] : []),
    ...(figures.clicked ? [`${experimentCounters.clicks}@${variant}`] : []),
    ...(figures.order ? [`${experimentCounters.conversions}@${variant}`] : []),
  ];
  if (names.length === 0) return undefined;
  const { order } = figures;
  return {
    node,
    names,
    ...(order && {
      amounts: { [`${experimentCounters.revenue}${order.currency}@${variant}`]: order.minorUnits },
    }),
  };
}

/** Each variant's results from one node's counters; clamped, since a retried Lambda may count twice. */
export function experimentResults(
  counts: Record<string, number>,
  variants: readonly string[],
): VariantResult[] {
  return variants.map((id) => {
    const count = (name: string) => counts[`${name}@${id}`] ?? 0;
    const recipients = count(experimentCounters.recipients);
    const conversions = Math.min(count(experimentCounters.conversions), recipients);
    const revenue: Record<string, string> = {};
    if (conversions > 0) {
      for (const [name, minor] of Object.entries(counts)) {
        if (!name.startsWith(experimentCounters.revenue) || !name.endsWith(`@${id}`)) continue;
        const currency = name.slice(experimentCounters.revenue.length, -(id.length + 1));
        if (minor > 0) revenue[currency] = fromMinorUnits(BigInt(minor), currency);
      }
    }
    return {
      id,
      recipients,
      opens: Math.min(count(experimentCounters.opens), recipients),
      clicks: Math.min(count(experimentCounters.clicks), recipients),
      conversions,
      revenue,
    };
  });
}

/** Reads and records winners, remembering for a while what it found so a send costs no extra read. */
export class ExperimentJudge {
  readonly #known = new Map<string, { winner: string | undefined; at: number }>();

  constructor(private readonly flow: FlowCounter) {}

  /** The declared winner of the experiment at `node`, deciding it if the figures now allow. */
  async winnerOf(
    storeId: string,
    journey: string,
    node: string,
    experiment: Experiment,
    now: Date,
  ): Promise<string | undefined> {
    const rule = experiment.autoWinner;
    if (rule === undefined) return undefined;
    const key = `${storeId}#${journey}#${node}`;
    const known = this.#known.get(key);
    if (known !== undefined && (known.winner !== undefined || now.getTime() - known.at < RECHECK_MS))
      return this.current(known.winner, experiment);
    let winner = await this.flow.findWinner(storeId, journey, node);
    if (winner === undefined) {
      const span = { from: new Date(now.getTime() - RESULTS_DAYS * DAY_MS), to: now, now };
      const { counts } = await this.flow.read(storeId, journey, span);
      const variants = experiment.variants.map((variant) => variant.id);
      const decision = decideWinner(experimentResults(counts[node] ?? {}, variants), {
        metric: experiment.metric,
        ...rule,
      });
      if (decision.status === 'winner')
        winner = await this.flow.declareWinner(storeId, journey, node, {
          winner: decision.winner,
          reason: decision.reason,
          at: now.toISOString(),
        });
    }
    this.#known.set(key, { winner, at: now.getTime() });
    return this.current(winner, experiment);
  }

  /** A winner the definition no longer has (its variants were changed) is no winner. */
  private current(winner: string | undefined, experiment: Experiment): string | undefined {
    return experiment.variants.some((variant) => variant.id === winner) ? winner : undefined;
  }
}
