import type { IdentityKey } from '#profiles/domain/identity.ts';
import type { ProfileStore, SaveResult, StoredProfile } from '#profiles/domain/ports.ts';
import type { Profile } from '#profiles/domain/profile.ts';

/** The profile port over a Map, with the same conditional-write rule as the DynamoDB adapter. */
export class InMemoryProfileStore implements ProfileStore {
  readonly items = new Map<string, StoredProfile>();
  saves = 0;
  /** Makes the next N saves fail as if the process had crashed mid-way. */
  crashOnSave: number[] = [];
  /** Runs once, right after the save with this number succeeded or failed: another writer cutting in. */
  afterSave: { save: number; run: () => Promise<unknown> } | undefined;

  async load(storeId: string, key: IdentityKey): Promise<StoredProfile | undefined> {
    const stored = this.items.get(`${storeId}#${key}`);
    return stored && structuredClone(stored);
  }

  async save(profile: Profile, expectedVersion: number | undefined): Promise<SaveResult> {
    this.saves += 1;
    if (this.crashOnSave.includes(this.saves)) throw new Error('simulated crash');
    const result = this.#write(profile, expectedVersion);
    const cutIn = this.afterSave;
    if (cutIn?.save === this.saves) {
      this.afterSave = undefined;
      await cutIn.run();
    }
    return result;
  }

  #write(profile: Profile, expectedVersion: number | undefined): SaveResult {
    const id = `${profile.storeId}#${profile.key}`;
    const current = this.items.get(id);
    if (current?.version !== expectedVersion) return 'conflict';
    this.items.set(id, { profile: structuredClone(profile), version: (expectedVersion ?? 0) + 1 });
    return 'saved';
  }

  profile(storeId: string, key: IdentityKey): Profile | undefined {
    return this.items.get(`${storeId}#${key}`)?.profile;
  }
}
