/**
 * What each node's answer adds to its journey's flow view (the dashboard draws every journey with
 * counts on its nodes). Counts are cheap DynamoDB counters, not CloudWatch metrics: one metric per
 * node, outcome and variant would multiply the bill, and a marketer's flow needs none of their
 * alarms or statistics.
 */
import { ENDED_ELSEWHERE, goesOnToNext, type NodeOutput } from './contract.ts';

/** Node id → counter name → count; the shape `journeyMermaid` writes into the boxes. */
export type FlowCounts = Record<string, Record<string, number>>;

export interface FlowTally {
  node: string;
  /** Counter names: `entered`, `heldout`, `passed`, `sent`, `skipped:<reason>`, `exited:<reason>`… */
  names: string[];
  /** Counters added by an amount rather than one (an experiment variant's revenue in minor units). */
  amounts?: Record<string, number>;
  /** The run now waits at this node until then (a wait, a deferred send, a `waitFor`'s timeout). */
  waitingUntil?: string;
}

export const ENTER_NODE = 'enter';

/**
 * The tally of one answer. `variant` is the experiment variant the answer was for; its counts are
 * kept per variant (`sent@ten-off`) as well as in total.
 */
export function flowTallyOf(
  node: string,
  output: NodeOutput,
  now: Date,
  variant?: string,
): FlowTally | undefined {
  const named = (name: string) => (variant ? [name, `${name}@${variant}`] : [name]);
  const waitingUntil =
    output.sendAfter ??
    (output.waitSeconds === null
      ? undefined
      : new Date(now.getTime() + output.waitSeconds * 1000).toISOString());
  const waiting = waitingUntil === undefined || waitingUntil <= now.toISOString() ? {} : { waitingUntil };
  switch (output.outcome) {
    case 'continue':
      if (node === ENTER_NODE)
        return {
          node,
          names: output.reason.endsWith(':heldout') ? ['entered', 'heldout'] : ['entered'],
          ...waiting,
        };
      if (output.branch !== '') return { node, names: [`to:${output.branch}`] };
      return { node, names: ['passed'], ...waiting };
    case 'sent':
      return { node, names: named('sent') };
    case 'skipped':
      return { node, names: named(`skipped:${output.reason}`) };
    case 'deferred':
      return { node, names: [`deferred:${output.reason}`], ...waiting };
    case 'exited':
      // A run a goal stopped while this step answered is counted at the goal.
      if (output.reason === ENDED_ELSEWHERE) return undefined;
      return { node, names: [`exited:${output.reason}`] };
  }
}

/**
 * The tally of the fixed wait a node's answer leads into, if the run goes on to it: the run has
 * passed into that wait and waits there for its duration.
 */
export function nextWaitTallyOf(
  output: NodeOutput,
  nextWait: { node: string; seconds: number } | undefined,
  now: Date,
): FlowTally | undefined {
  if (nextWait === undefined || !goesOnToNext(output)) return undefined;
  return {
    node: nextWait.node,
    names: ['passed'],
    waitingUntil: output.resumeAt ?? new Date(now.getTime() + nextWait.seconds * 1000).toISOString(),
  };
}

/** Adds counts read from several items (days, shards) into one `FlowCounts`. */
export function addFlowCounts(into: FlowCounts, node: string, name: string, count: number): FlowCounts {
  const counts = into[node] ?? {};
  counts[name] = (counts[name] ?? 0) + count;
  into[node] = counts;
  return into;
}
