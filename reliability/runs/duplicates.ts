import type { UnstampedEvent } from '#events/schemas.ts';
import { morningZone } from '#tests/helpers/morning-zone.ts';
import { postEvents } from '../ingest-client.ts';
import { auditMessages } from '../message-audit.ts';
import { auditProfiles } from '../profile-audit.ts';
import { ARRIVAL_ORDER_FIELDS, profileDifferences, referenceProfiles } from '../reference-profiles.ts';
import { startReliabilityStack } from '../reliability-stack.ts';
import { type RunReport, secondsSince } from '../report.ts';
import { type SeededRandom, seededRandom } from '../seeded-random.ts';
import { generateShopStory } from '../shop-story.ts';
import { storyReport } from '../story-verdict.ts';

export interface DuplicatesOptions {
  events: number;
  seed: number;
  /** The second copy of an event follows the first within this many deliveries. @default 300 */
  window?: number;
  /** Journey time after the last delivery: immediate mails, cart and browse reminders. @default 6 */
  journeyHours?: number;
}

export const DUPLICATES_DEFAULTS: DuplicatesOptions = { events: 1200, seed: 2 };

const HOUR_MS = 60 * 60 * 1000;
/** Journey time moves in steps of at least this; a reminder may fire up to one step late. */
const CLOCK_STEP_MS = 10 * 60 * 1000;

/**
 * Duplicates: every event delivered twice (same id), the copy a little later as a client retry would
 * send it. The profiles must equal those of a single in-order delivery, the order counts and revenue
 * the ground truth, and no (journey, subject, step) may get a second mail.
 *
 * The runtime runs on manual time: the journeys get their hours of virtual time step by step, each
 * step's work finished before the clock moves, so what is sent does not depend on the machine's speed.
 */
export async function runDuplicates(options: DuplicatesOptions = DUPLICATES_DEFAULTS): Promise<RunReport> {
  const started = performance.now();
  const start = Date.now();
  const stack = await startReliabilityStack({
    manualTime: { start },
    functionConcurrency: 2,
    warm: ['own-events', 'journey-step'],
  });
  try {
    const { runtime } = stack;
    const story = generateShopStory({
      seed: options.seed,
      events: options.events,
      startAt: start - options.events * 1000,
      timeZone: morningZone(new Date(start)),
    });
    const deliveries = twice(story.events, options.window ?? 300, seededRandom(options.seed + 1));
    const posted = await postEvents(deliveries, { url: runtime.urls.http, apiKey: stack.credentials.apiKey });
    const horizon = start + (options.journeyHours ?? 6) * HOUR_MS;
    for (
      let { nextTimerAt } = await runtime.quiesce();
      nextTimerAt !== undefined && nextTimerAt <= horizon;
    ) {
      runtime.advanceClock(Math.max(nextTimerAt, runtime.clock.now() + CLOCK_STEP_MS));
      ({ nextTimerAt } = await runtime.quiesce());
    }
    const messages = await auditMessages(
      await runtime.ses.messages(),
      stack.documents,
      runtime.names.messagesTable,
    );
    const profiles = await stack.profilesOf(story.people);
    const audit = auditProfiles(profiles, story.people, posted.acceptedIds);
    const reference = await referenceProfiles(story.events, stack.storeId);
    const differences = profileDifferences(profiles, reference, story.people, ARRIVAL_ORDER_FIELDS);
    const arrivalOrderDifferences =
      profileDifferences(profiles, reference, story.people).length - differences.length;
    const report = storyReport('duplicates', posted, audit, stack);
    return {
      ...report,
      figures: {
        ...report.figures,
        eventsIn: deliveries.length,
        duplicates: report.figures.duplicates + messages.extraMails + messages.slotsSentTwice,
      },
      details: {
        'distinct events': story.events.length,
        ...report.details,
        'profiles unlike a single delivery': differences.length,
        'profiles differing only in arrival-order fields (see reorder)': arrivalOrderDifferences,
        'journey hours after the last delivery': options.journeyHours ?? 6,
        mails: messages.mails,
        'message slots mailed': messages.slots,
        'mails beyond one per slot': messages.extraMails,
        'slots marked sent twice': messages.slotsSentTwice,
        'mails without a sent record': messages.unrecordedMails,
      },
      problems: [
        ...report.problems,
        ...(differences.length > 0
          ? [`${differences.length} profiles differ from a single delivery`, ...differences.slice(0, 10)]
          : []),
        ...(messages.extraMails + messages.slotsSentTwice > 0
          ? [`slots mailed more than once: ${messages.examples.join('; ')}`]
          : []),
        ...(messages.unrecordedMails > 0 ? [`${messages.unrecordedMails} mails have no sent record`] : []),
        ...(messages.mails === 0 ? ['no journey sent a mail: the one-mail-per-slot check saw nothing'] : []),
      ],
      seconds: secondsSince(started),
    };
  } finally {
    await stack.close();
  }
}

/** Each event twice; the copy lands within `window` deliveries after the original. */
function twice(events: readonly UnstampedEvent[], window: number, random: SeededRandom): UnstampedEvent[] {
  return events
    .flatMap((event, index) => [
      { event, key: index },
      { event, key: index + 0.5 + random.next() * window },
    ])
    .sort((a, b) => a.key - b.key)
    .map(({ event }) => event);
}
