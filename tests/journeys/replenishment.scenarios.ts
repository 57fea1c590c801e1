import type { Scenarios } from './scenario.ts';
import { withStepDisabled } from './scenario.ts';
import { ORDER_PLACED } from './triggers.ts';

const base = { journey: 'replenishment', trigger: ORDER_PLACED } as const;

export const REPLENISHMENT_SCENARIOS = {
  'happy path': base,
  're-ordered during the wait': {
    ...base,
    script: (world) => world.happensBefore('reorder-reminder', 'order-placed'),
  },
  'nothing replenishable': { ...base, script: (world) => world.replenishableIn(undefined) },
  'unsubscribed mid-journey': {
    ...base,
    script: (world) => world.happensBefore('reorder-reminder', 'unsubscribed'),
  },
  'capped and deferred': {
    ...base,
    script: (world) => world.cappedAt('reorder-reminder', '2026-03-30T09:00:00.000Z'),
  },
  'quiet hours': {
    ...base,
    script: (world) => world.quietHoursAt('reorder-reminder', '2026-03-29T07:00:00.000Z'),
  },
  'duplicate trigger': { ...base, script: (world) => world.alreadyClaimed(ORDER_PLACED.id) },
  'step disabled': { ...base, config: withStepDisabled('replenishment', 'reorderReminder') },
} satisfies Scenarios<'replenishment'>;
