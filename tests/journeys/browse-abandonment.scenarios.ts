import type { Scenarios } from './scenario.ts';
import { withStepDisabled } from './scenario.ts';
import { VIEWED } from './triggers.ts';

const base = { journey: 'browse-abandonment', trigger: VIEWED } as const;

export const BROWSE_ABANDONMENT_SCENARIOS = {
  'happy path': base,
  'purchased during the wait': {
    ...base,
    script: (world) => world.happensBefore('reminder', 'order-placed'),
  },
  'carted during the wait': { ...base, script: (world) => world.happensBefore('reminder', 'cart-updated') },
  'unsubscribed mid-journey': { ...base, script: (world) => world.happensBefore('reminder', 'unsubscribed') },
  'capped and skipped': {
    ...base,
    script: (world) => world.cappedAt('reminder', '2026-03-03T09:00:00.000Z'),
  },
  'quiet hours': { ...base, script: (world) => world.quietHoursAt('reminder', '2026-03-03T07:00:00.000Z') },
  'duplicate trigger': { ...base, script: (world) => world.alreadyClaimed(VIEWED.id) },
  'step disabled': { ...base, config: withStepDisabled('browse-abandonment', 'reminder') },
} satisfies Scenarios<'browse-abandonment'>;
