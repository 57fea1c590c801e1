/**
 * Named scenarios of the shipped journeys, with the transitions each costs (Standard bills every
 * state entered): the journey tests pin them, the bench prints them. Event-triggered journeys are
 * entered by the entry function before a run starts, two transitions fewer than an Enter state and
 * its Choice (and none at all for a trigger that does not enter); the hand-written machines cost
 * what the comments say.
 */
import { answer, type Scenario } from './compiled-journeys.ts';

export interface PinnedScenario extends Scenario {
  /** The most this scenario may cost. */
  transitions: number;
  /** The run's last state, or `NoRun` when entry started none. */
  ends: 'Completed' | 'Exited' | 'NoRun';
}

const exited = (reason: string) => answer('exited', { reason });
const deferredOnce = answer('deferred', { reason: 'quiet-hours', sendAfter: '2026-06-02T08:00:00.000Z' });

export const JOURNEY_SCENARIOS: Record<string, PinnedScenario> = {
  // Hand-written: 11.
  'welcome: happy path': { journey: 'welcome', transitions: 9, ends: 'Completed' },
  'welcome: held back by quiet hours once': {
    journey: 'welcome',
    script: { welcome: [deferredOnce] },
    transitions: 12,
    ends: 'Completed',
  },
  'welcome: ordered before the incentive': {
    journey: 'welcome',
    script: { 'first-order-incentive': [exited('ordered')] },
    transitions: 9,
    ends: 'Exited',
  },
  // Hand-written: 3 (a run that found its trigger claimed).
  'welcome: duplicate trigger': {
    journey: 'welcome',
    script: { enter: [exited('duplicate-trigger')] },
    transitions: 0,
    ends: 'NoRun',
  },
  // Hand-written: 6.
  'browse-abandonment: happy path': { journey: 'browse-abandonment', transitions: 4, ends: 'Completed' },
  // A second view of the day by the same customer: hand-written, a run of 3 transitions.
  'browse-abandonment: another view the same day': {
    journey: 'browse-abandonment',
    script: { enter: [exited('already-entered')] },
    transitions: 0,
    ends: 'NoRun',
  },
  'browse-abandonment: ordered during the wait': {
    journey: 'browse-abandonment',
    script: { reminder: [exited('ordered')] },
    transitions: 4,
    ends: 'Exited',
  },
  // Hand-written: 12.
  'cart-abandonment: three reminders': { journey: 'cart-abandonment', transitions: 10, ends: 'Completed' },
  'cart-abandonment: ordered in the wait': {
    journey: 'cart-abandonment',
    script: { 'reminder-2': [exited('ordered')] },
    transitions: 7,
    ends: 'Exited',
  },
  // Hand-written: 6.
  'cart-abandonment: superseded': {
    journey: 'cart-abandonment',
    script: { 'reminder-1': [exited('superseded')] },
    transitions: 4,
    ends: 'Exited',
  },
  // Hand-written: 13.
  'post-purchase: happy path': { journey: 'post-purchase', transitions: 11, ends: 'Completed' },
  // A hand-written machine polled daily for the shipment: 127 transitions over 30 days.
  'post-purchase: never fulfilled': {
    journey: 'post-purchase',
    script: { 'await-fulfilment': ['timeout'] },
    transitions: 4,
    ends: 'Completed',
  },
  'post-purchase: cancelled before fulfilment': {
    journey: 'post-purchase',
    script: { 'await-fulfilment': [exited('cancelled')] },
    transitions: 5,
    ends: 'Exited',
  },
  'replenishment: reminder before it runs out': {
    journey: 'replenishment',
    transitions: 4,
    ends: 'Completed',
  },
  'replenishment: reordered': {
    journey: 'replenishment',
    script: { 'reorder-reminder': [exited('reordered')] },
    transitions: 4,
    ends: 'Exited',
  },
  // Started by the daily scan under a deterministic name, so entry stays in the machine. Hand-written: 8.
  'win-back: happy path': { journey: 'win-back', transitions: 8, ends: 'Completed' },
};
