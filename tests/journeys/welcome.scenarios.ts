import type { Scenarios } from './scenario.ts';
import { withStepDisabled } from './scenario.ts';
import { REGISTERED } from './triggers.ts';

const base = { journey: 'welcome', trigger: REGISTERED } as const;

export const WELCOME_SCENARIOS = {
  'happy path': base,
  'purchased during the wait': {
    ...base,
    script: (world) => world.happensBefore('first-order-incentive', 'order-placed'),
  },
  'unsubscribed mid-journey': {
    ...base,
    script: (world) => world.happensBefore('bestsellers', 'unsubscribed'),
  },
  'capped and deferred': {
    ...base,
    script: (world) => world.cappedAt('bestsellers', '2026-03-05T09:00:00.000Z'),
  },
  'quiet hours': { ...base, script: (world) => world.quietHoursAt('welcome', '2026-03-03T07:00:00.000Z') },
  'duplicate trigger': { ...base, script: (world) => world.alreadyClaimed(REGISTERED.id) },
  'step disabled': { ...base, config: withStepDisabled('welcome', 'bestsellers') },
} satisfies Scenarios<'welcome'>;
