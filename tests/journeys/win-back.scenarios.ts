import type { Scenarios } from './scenario.ts';
import { withStepDisabled } from './scenario.ts';
import { DORMANT } from './triggers.ts';

const base = { journey: 'win-back', trigger: DORMANT } as const;

export const WIN_BACK_SCENARIOS = {
  'happy path': base,
  'purchased during the wait': {
    ...base,
    script: (world) => world.happensBefore('incentive', 'order-placed'),
  },
  'unsubscribed mid-journey': {
    ...base,
    script: (world) => world.happensBefore('incentive', 'unsubscribed'),
  },
  'capped and deferred': {
    ...base,
    script: (world) => world.cappedAt('we-miss-you', '2026-03-04T09:00:00.000Z'),
  },
  'quiet hours': { ...base, script: (world) => world.quietHoursAt('incentive', '2026-03-17T07:00:00.000Z') },
  'duplicate trigger': { ...base, script: (world) => world.alreadyClaimed(DORMANT.id) },
  'step disabled': { ...base, config: withStepDisabled('win-back', 'incentive') },
} satisfies Scenarios<'win-back'>;
