import type { PostResult } from './ingest-client.ts';
import type { ProfileAudit } from './profile-audit.ts';
import type { ReliabilityStack } from './reliability-stack.ts';
import type { RunReport } from './report.ts';

/** Ground truth mismatches are listed one person a line; the count is always in the figures. */
const LISTED_MISMATCHES = 10;

/**
 * The part of a report every story run shares: what went in, what the profiles hold against the
 * ground truth, and what the runtime itself complained about.
 */
export function storyReport(
  run: string,
  posted: PostResult,
  audit: ProfileAudit,
  stack: ReliabilityStack,
): Omit<RunReport, 'seconds'> {
  const currencies = Object.keys(audit.revenueExpected).sort();
  return {
    run,
    figures: {
      eventsIn: posted.accepted + posted.refusedIds.size,
      eventsStored: audit.eventsStored,
      duplicates: audit.appliedTwice + audit.ordersOver,
      lost: audit.lost,
      status4xx: posted.status4xx,
      status5xx: posted.status5xx,
    },
    details: {
      'events accepted': posted.accepted,
      people: audit.people,
      'orders (counted / expected)': `${audit.ordersCounted} / ${audit.ordersExpected}`,
      'people off the ground truth': audit.mismatches.length,
      ...Object.fromEntries(
        currencies.map((currency) => [
          `revenue ${currency} (counted / expected)`,
          `${audit.revenueCounted[currency] ?? '0'} / ${audit.revenueExpected[currency]}`,
        ]),
      ),
      'requests retried after 5xx or no answer': posted.status5xx + posted.networkErrors,
      'runtime errors': describeErrors(stack.runtimeErrors),
      'error log lines': stack.errorLogLineCount,
    },
    problems: [
      ...audit.lostExamples.map((example) => `lost: ${example}`),
      ...(posted.refusedIds.size > 0 ? [`${posted.refusedIds.size} valid events were refused`] : []),
      ...(audit.mismatches.length > 0
        ? [
            `${audit.mismatches.length} people with order count or revenue off the ground truth`,
            ...audit.mismatches.slice(0, LISTED_MISMATCHES),
          ]
        : []),
    ],
  };
}

/** `12 (FullBatchFailureError×10, TimeoutError×2)`: what the runtime reported, by error name. */
export function describeErrors(errors: readonly unknown[]): string {
  if (errors.length === 0) return '0';
  const byName = new Map<string, number>();
  for (const error of errors) {
    const name =
      (error as { errorName?: string; name?: string }).errorName ?? (error as Error).name ?? 'unknown';
    byName.set(name, (byName.get(name) ?? 0) + 1);
  }
  const parts = [...byName].sort(([, a], [, b]) => b - a).map(([name, count]) => `${name}×${count}`);
  return `${errors.length} (${parts.join(', ')})`;
}
