import { applyEvent } from '#profiles/domain/apply-event.ts';
import { emptyProfile, type Profile } from '#profiles/domain/profile.ts';
import { formatCount } from './format.ts';
import type { BenchSection } from './section.ts';
import { perSecond } from './statistics.ts';
import { syntheticEvents } from './synthetic-events.ts';

const EVENTS = 20_000;
const CUSTOMERS = 200;

/** Canonical events applied per second by the pure profile rules: CPU only, no store, no runtime. */
export const profileRulesSection: BenchSection = {
  name: 'profile-rules',
  title: 'profile rules',
  run: async () => {
    const events = syntheticEvents(EVENTS, CUSTOMERS);
    const profiles = new Map<string, Profile>();
    const started = performance.now();
    for (const event of events) {
      const key = `customer:${event.identity.customerId}` as const;
      const profile = profiles.get(key) ?? emptyProfile('bench', key);
      profiles.set(key, applyEvent(profile, { ...event, storeId: 'bench', origin: 'api' }).profile);
    }
    const eventsPerSecond = perSecond(events.length, performance.now() - started);
    return {
      figures: { events: EVENTS, customers: CUSTOMERS, eventsPerSecond },
      rows: [
        {
          figure: `${formatCount(EVENTS)} events over ${CUSTOMERS} customers, CPU only`,
          value: `${formatCount(eventsPerSecond)} events/s`,
        },
      ],
    };
  },
};
