import type { CanonicalEvent } from '#events/schemas.ts';
import { identityKeys } from './identity.ts';
import type { ErasureLog } from './ports.ts';
import type { Profile } from './profile.ts';

/**
 * Whether an event is about someone erased after it happened (an archive replay, a late retry), and
 * so must leave no record. An erased person has no profile: the erasure log is asked only then; a
 * person who came back after an erasure keeps its time on their new profile. Without a profile
 * (none exists, or the caller has none at hand), the log is asked.
 */
export async function erasedSince(
  erasures: ErasureLog,
  event: Pick<CanonicalEvent, 'storeId' | 'identity' | 'occurredAt'>,
  profile?: Profile,
): Promise<boolean> {
  const erasedAt =
    profile === undefined
      ? await erasures.erasedAt(event.storeId, identityKeys(event.identity))
      : profile.erasedBefore;
  return erasedAt !== undefined && Date.parse(event.occurredAt) <= Date.parse(erasedAt);
}
