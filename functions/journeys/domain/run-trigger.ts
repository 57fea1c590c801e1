import type { CanonicalEvent } from '#events/schemas.ts';

/**
 * The trigger as a run carries it in its Step Functions input and history (kept 90 days, outside any
 * erasure): without the customer's name and phone. Steps read those from the profile; entry has
 * decided on the whole event already.
 */
export function runTriggerOf(trigger: CanonicalEvent): CanonicalEvent {
  if (trigger.type !== 'customer.registered' && trigger.type !== 'customer.updated') return trigger;
  const { firstName: _first, lastName: _last, phone: _phone, ...kept } = trigger.data.attributes;
  return { ...trigger, data: { ...trigger.data, attributes: kept } };
}
