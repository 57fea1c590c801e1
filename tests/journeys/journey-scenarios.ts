/**
 * Named scenarios of the shipped journeys, with the transitions each costs (Standard bills every
 * state entered): the journey tests pin them, the bench prints them. Before journeys were data the
 * hand-written machines cost the same, except where a row says otherwise.
 */
import { answer, type Scenario } from './compiled-journeys.ts';

export interface PinnedScenario extends Scenario {
  /** The most this scenario may cost; today's hand-written machines' counts where they existed. */
  transitions: number;
  ends: 'Completed' | 'Exited';
}

const exited = (reason: string) => answer('exited', { reason });
const deferredOnce = answer('deferred', { reason: 'quiet-hours', sendAfter: '2026-06-02T08:00:00.000Z' });

export const JOURNEY_SCENARIOS: Record<string, PinnedScenario> = {
  'welcome: happy path': { journey: 'welcome', transitions: 11, ends: 'Completed' },
  'welcome: held back by quiet hours once': {
    journey: 'welcome',
    script: { welcome: [deferredOnce] },
    transitions: 14,
    ends: 'Completed',
  },
  'welcome: ordered before the incentive': {
    journey: 'welcome',
    script: { 'first-order-incentive': [exited('ordered')] },
    transitions: 11,
    ends: 'Exited',
  },
  'welcome: duplicate trigger': {
    journey: 'welcome',
    script: { enter: [exited('duplicate-trigger')] },
    transitions: 3,
    ends: 'Exited',
  },
  'browse-abandonment: happy path': { journey: 'browse-abandonment', transitions: 6, ends: 'Completed' },
  'browse-abandonment: ordered during the wait': {
    journey: 'browse-abandonment',
    script: { reminder: [exited('ordered')] },
    transitions: 6,
    ends: 'Exited',
  },
  'cart-abandonment: three reminders': { journey: 'cart-abandonment', transitions: 12, ends: 'Completed' },
  'cart-abandonment: ordered in the wait': {
    journey: 'cart-abandonment',
    script: { 'reminder-2': [exited('ordered')] },
    transitions: 9,
    ends: 'Exited',
  },
  // Issue "Journeys as data" asks for 4: an entry function deciding entry before the run starts.
  'cart-abandonment: superseded': {
    journey: 'cart-abandonment',
    script: { 'reminder-1': [exited('superseded')] },
    transitions: 6,
    ends: 'Exited',
  },
  'post-purchase: happy path': { journey: 'post-purchase', transitions: 13, ends: 'Completed' },
  // A hand-written machine polled daily for the shipment: 127 transitions over 30 days.
  'post-purchase: never fulfilled': {
    journey: 'post-purchase',
    script: { 'await-fulfilment': ['timeout'] },
    transitions: 6,
    ends: 'Completed',
  },
  'post-purchase: cancelled before fulfilment': {
    journey: 'post-purchase',
    script: { 'await-fulfilment': [exited('cancelled')] },
    transitions: 7,
    ends: 'Exited',
  },
  'replenishment: reminder before it runs out': {
    journey: 'replenishment',
    transitions: 6,
    ends: 'Completed',
  },
  'replenishment: reordered': {
    journey: 'replenishment',
    script: { 'reorder-reminder': [exited('reordered')] },
    transitions: 6,
    ends: 'Exited',
  },
  'win-back: happy path': { journey: 'win-back', transitions: 8, ends: 'Completed' },
};
