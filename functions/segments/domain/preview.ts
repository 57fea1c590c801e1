/**
 * A segment's preview: how many of a store's customers are members now, and a few of them, with
 * nothing written. Profiles only: a condition on mail history (`messages.…`) needs each customer's
 * decisions, which the segment function reads as it keeps memberships, and the preview refuses it.
 */
import { type ConditionContext, pathsOf } from '#journeys/definition/conditions.ts';
import type { SegmentDefinition } from '../definition/segment.ts';
import { membershipOf } from './membership.ts';

export interface SegmentPreview {
  /** Customers looked at (profiles of the store that were not folded into another). */
  customers: number;
  members: number;
  /** The first members found, by profile key. */
  sample: string[];
}

export function readsMailHistory(definition: SegmentDefinition): boolean {
  return pathsOf(definition.where).some((path) => path.startsWith('messages.'));
}

export async function previewSegment(
  definition: SegmentDefinition,
  profiles: AsyncIterable<{ key: string; profile: ConditionContext['profile'] }>,
  options: { now: Date; sampleSize: number },
): Promise<SegmentPreview> {
  if (readsMailHistory(definition)) {
    throw new RangeError(
      `segment ${definition.id} reads mail history (messages.…); the preview reads profiles only`,
    );
  }
  const preview: SegmentPreview = { customers: 0, members: 0, sample: [] };
  for await (const { key, profile } of profiles) {
    preview.customers += 1;
    if (!membershipOf(definition.where, { profile, now: options.now }).member) continue;
    preview.members += 1;
    if (preview.sample.length < options.sampleSize) preview.sample.push(key);
  }
  return preview;
}
