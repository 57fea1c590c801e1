import { postEvents } from '../ingest-client.ts';
import { auditProfiles } from '../profile-audit.ts';
import { profileDifferences, referenceProfiles } from '../reference-profiles.ts';
import { startReliabilityStack } from '../reliability-stack.ts';
import { type RunReport, secondsSince } from '../report.ts';
import { seededRandom, shuffleWithinWindow } from '../seeded-random.ts';
import { generateShopStory } from '../shop-story.ts';
import { storyReport } from '../story-verdict.ts';

export interface ReorderOptions {
  events: number;
  seed: number;
  /** No event moves by this many places or more. @default 200 */
  window?: number;
}

export const REORDER_DEFAULTS: ReorderOptions = { events: 2000, seed: 3 };

/**
 * Reorder: the story shuffled within a window (seeded), so cancellations can come before their
 * orders and guest checkouts after the registration that joins them. The profiles must equal those
 * of the in-order story, and order counts and revenue the ground truth.
 */
export async function runReorder(options: ReorderOptions = REORDER_DEFAULTS): Promise<RunReport> {
  const started = performance.now();
  const window = options.window ?? 200;
  const start = Date.now();
  const story = generateShopStory({
    seed: options.seed,
    events: options.events,
    startAt: start - options.events * 1000,
  });
  const shuffled = shuffleWithinWindow(story.events, window, seededRandom(options.seed + 1));
  const moved = shuffled.filter((event, index) => event !== story.events[index]).length;
  // Manual time holds the journey runs: the run is about the profiles, and the journeys would only
  // compete for the two cores.
  const stack = await startReliabilityStack({
    manualTime: { start },
    functionConcurrency: 2,
    warm: ['own-events'],
  });
  try {
    const posted = await postEvents(shuffled, {
      url: stack.runtime.urls.http,
      apiKey: stack.credentials.apiKey,
    });
    await stack.runtime.settle();
    const profiles = await stack.profilesOf(story.people);
    const audit = auditProfiles(profiles, story.people, posted.acceptedIds);
    const differences = profileDifferences(
      profiles,
      await referenceProfiles(story.events, stack.storeId),
      story.people,
    );
    const report = storyReport('reorder', posted, audit, stack);
    return {
      ...report,
      details: {
        'shuffle window': window,
        'events out of place': moved,
        ...report.details,
        'profiles unlike in order': differences.length,
      },
      problems: [
        ...report.problems,
        ...(differences.length > 0
          ? [`${differences.length} profiles differ from the in-order story`, ...differences.slice(0, 10)]
          : []),
      ],
      seconds: secondsSince(started),
    };
  } finally {
    await stack.close();
  }
}
