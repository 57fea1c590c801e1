/**
 * Which way a `split` or `randomSplit` goes. A split takes its first branch whose condition holds,
 * else its `else`, else none (the run goes on to the next step). A random split is deterministic
 * per customer and node, so a repeated step (a retry, a redriven run) goes the same way, and the
 * shares follow the weights across customers.
 */
import { createHash } from 'node:crypto';
import { type Condition, type ConditionContext, evaluate } from '#journeys/definition/conditions.ts';

export type SplitBranch = { when: Condition; to: string } | { else: string };

export function chooseSplit(branches: readonly SplitBranch[], context: ConditionContext): string | undefined {
  for (const branch of branches) {
    if ('else' in branch) return branch.else;
    if (evaluate(branch.when, context)) return branch.to;
  }
  return undefined;
}

/** A number in [0, 1) from a key, the same on every machine. */
export function unitHash(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;
}

export function chooseRandomSplit(
  branches: ReadonlyArray<{ weight: number; to: string }>,
  key: string,
): string {
  const total = branches.reduce((sum, branch) => sum + branch.weight, 0);
  let point = unitHash(key) * total;
  for (const branch of branches) {
    point -= branch.weight;
    if (point < 0) return branch.to;
  }
  return branches.at(-1)?.to ?? 'end';
}
