import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { DEFER_REASONS } from '#messaging/domain/send-decision.ts';
import { metrics } from '#shared/powertools.ts';
import { ENDED_ELSEWHERE, type NodeOutput } from './contract.ts';
import { GOAL_NODE } from './run-goals.ts';
import { ENTERED_HELD_OUT } from './run-node.ts';

/**
 * The metric an answer counts, with its dimensions besides journey and step; none for most
 * `continue`s. A small fixed set of names and reasons, so CloudWatch widgets can sum over them.
 */
export function metricOf(
  node: string,
  output: NodeOutput,
): { name: string; dimensions: Record<string, string> } | undefined {
  switch (output.outcome) {
    case 'continue':
      // Counted per holdout group, for the lift widgets: the group rides on the entry's reason.
      return node === 'enter'
        ? {
            name: 'journeyEntered',
            dimensions: { group: output.reason === ENTERED_HELD_OUT ? 'heldout' : 'treated' },
          }
        : undefined;
    case 'sent':
      return { name: 'emailSent', dimensions: {} };
    case 'skipped':
      return { name: 'emailSkipped', dimensions: { reason: output.reason } };
    case 'deferred':
      // Waiting for the profile holds no mail back.
      return (DEFER_REASONS as readonly string[]).includes(output.reason)
        ? { name: 'emailDeferred', dimensions: { reason: output.reason } }
        : undefined;
    case 'exited':
      // Counted where it ended: by the goal that stopped the run.
      if (output.reason === ENDED_ELSEWHERE) return undefined;
      return { name: 'journeyExited', dimensions: { reason: output.reason } };
  }
}

/** A run a goal ended between its steps: an exit at the `goal` step, one metric line of its own. */
export function publishGoalExit(goal: { journey: string; as: string }): void {
  const single = metrics.singleMetric();
  single.addDimensions({ journey: goal.journey, step: GOAL_NODE, reason: goal.as });
  single.addMetric('journeyExited', MetricUnit.Count, 1);
}
