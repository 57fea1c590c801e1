import type { Scenarios } from './scenario.ts';
import { withStepDisabled } from './scenario.ts';
import { CART_UPDATED } from './triggers.ts';

const base = { journey: 'cart-abandonment', trigger: CART_UPDATED } as const;

export const CART_ABANDONMENT_SCENARIOS = {
  'happy path': base,
  'purchased during the wait': {
    ...base,
    script: (world) => world.happensBefore('reminder-2', 'order-placed'),
  },
  'cart updated again': { ...base, script: (world) => world.happensBefore('reminder-1', 'cart-updated') },
  'unsubscribed mid-journey': {
    ...base,
    script: (world) => world.happensBefore('reminder-2', 'unsubscribed'),
  },
  'capped and deferred': {
    ...base,
    script: (world) => world.cappedAt('reminder-2', '2026-03-03T15:00:00.000Z'),
  },
  'quiet hours': { ...base, script: (world) => world.quietHoursAt('reminder-1', '2026-03-03T07:00:00.000Z') },
  'duplicate trigger': { ...base, script: (world) => world.alreadyClaimed(CART_UPDATED.id) },
  'step disabled': { ...base, config: withStepDisabled('cart-abandonment', 'reminder2') },
  'throttled call retried': { ...base, script: (world) => world.throttled('reminder-1', 2) },
  'deferral without a time': {
    ...base,
    script: (world) =>
      world.answers('reminder-1', {
        outcome: 'deferred',
        reason: 'quiet-hours',
        sendAfter: null,
        waitSeconds: null,
      }),
  },
} satisfies Scenarios<'cart-abandonment'>;
