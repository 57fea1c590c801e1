import type { Scenarios } from './scenario.ts';
import { withStepDisabled } from './scenario.ts';
import { ORDER_PLACED } from './triggers.ts';

const base = { journey: 'post-purchase', trigger: ORDER_PLACED } as const;

export const POST_PURCHASE_SCENARIOS = {
  'happy path': base,
  'fulfilled on the third poll': { ...base, script: (world) => world.fulfilledAtPoll(3) },
  'never fulfilled': { ...base, script: (world) => world.fulfilledAtPoll(undefined) },
  'cancelled before fulfilment': {
    ...base,
    script: (world) => world.fulfilledAtPoll(undefined).happensBefore('await-fulfilment', 'order-cancelled'),
  },
  'unsubscribed before the order': {
    ...base,
    script: (world) => world.happensBefore('order-confirmation', 'unsubscribed'),
  },
  'capped: review deferred, cross-sell skipped': {
    ...base,
    script: (world) =>
      world
        .cappedAt('review-request', '2026-03-09T09:00:00.000Z')
        .cappedAt('cross-sell', '2026-03-24T09:00:00.000Z'),
  },
  'quiet hours': {
    ...base,
    script: (world) => world.quietHoursAt('review-request', '2026-03-09T07:00:00.000Z'),
  },
  'duplicate trigger': { ...base, script: (world) => world.alreadyClaimed(ORDER_PLACED.id) },
  'step disabled': { ...base, config: withStepDisabled('post-purchase', 'crossSell') },
} satisfies Scenarios<'post-purchase'>;
