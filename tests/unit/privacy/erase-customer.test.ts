import { describe, expect, it } from 'vitest';
import type { CustomerRef } from '#messaging/domain/ports.ts';
import {
  type CustomerRecord,
  ERASED_CAUSE,
  type ErasableRecords,
  eraseCustomer,
} from '#privacy/domain/erase-customer.ts';
import { tombstoneHasher } from '#privacy/domain/tombstone.ts';
import type { IdentityKey } from '#profiles/domain/identity.ts';
import { recordEvent } from '#profiles/domain/record-event.ts';
import { canonical, usd } from '#tests/helpers/events.ts';
import { InMemoryErasureLog, TEST_SIGNING_KEY } from '#tests/helpers/in-memory-erasures.ts';
import { InMemoryProfileStore } from '#tests/helpers/in-memory-profile-store.ts';
import { RecordingStopper } from '#tests/helpers/in-memory-runs.ts';

const RUN = 'arn:aws:states:us-east-1:111122223333:execution:CartAbandonment:run-1';
const ENDED_RUN = 'arn:aws:states:us-east-1:111122223333:execution:Welcome:run-0';

/** The Messages table's customer partitions and the items beside them, as sorted keys over a Map. */
class InMemoryRecords implements ErasableRecords {
  readonly partitions = new Map<string, CustomerRecord[]>();
  readonly outside = new Set<string>();

  add(customer: CustomerRef, ...records: CustomerRecord[]) {
    const pk = `${customer.storeId}#${customer.customerKey}`;
    this.partitions.set(pk, [...(this.partitions.get(pk) ?? []), ...records]);
  }

  async list(customer: CustomerRef) {
    return [...(this.partitions.get(`${customer.storeId}#${customer.customerKey}`) ?? [])];
  }

  async delete(customer: CustomerRef, sortKeys: readonly string[]) {
    const pk = `${customer.storeId}#${customer.customerKey}`;
    const left = (this.partitions.get(pk) ?? []).filter((record) => !sortKeys.includes(record.sk));
    if (left.length === 0) this.partitions.delete(pk);
    else this.partitions.set(pk, left);
  }

  async deleteSesMessage(messageId: string) {
    this.outside.delete(`SESMESSAGE#${messageId}`);
  }

  async deleteSuppression(storeId: string, email: string) {
    this.outside.delete(`SUPPRESSION#${storeId}#${email}`);
  }

  async deleteLatestTrigger(storeId: string, journey: string, subjectKey: string) {
    this.outside.delete(`LATEST#${storeId}#${journey}#${subjectKey}`);
  }
}

/** Mia browsed anonymously, signed up with her e-mail, then ordered as customer c-9: one person, three profiles. */
async function world() {
  const profiles = new InMemoryProfileStore();
  const events = [
    canonical({
      id: 'view',
      type: 'product.viewed',
      occurredAt: '2026-03-01T09:00:00Z',
      identity: { anonymousId: 'device-1' },
      data: { product: { productId: 'p-1', name: 'Tea' } },
    }),
    canonical({
      id: 'signup',
      type: 'customer.registered',
      occurredAt: '2026-03-01T09:05:00Z',
      identity: { email: 'Mia@Example.com', anonymousId: 'device-1' },
      data: { attributes: { firstName: 'Mia' } },
    }),
    canonical({
      id: 'order',
      type: 'order.placed',
      occurredAt: '2026-03-02T10:00:00Z',
      identity: { customerId: 'c-9', email: 'mia@example.com', orderId: 'o-1' },
      data: {
        orderId: 'o-1',
        lines: [{ productId: 'p-1', name: 'Tea', quantity: 1, price: usd('5.00') }],
        total: usd('5.00'),
      },
    }),
  ];
  for (const event of events) await recordEvent(profiles, event);
  const records = new InMemoryRecords();
  records.add(
    { storeId: 'demo', customerKey: 'customer:c-9' },
    { sk: 'MESSAGE#post-purchase#o-1#thanks', messageId: 'ses-1' },
    { sk: 'ENTRY#cart-abandonment#cart-1', journey: 'cart-abandonment', subjectKey: 'cart-1' },
    { sk: 'GOAL#order.placed#cart-abandonment#cart-1', executionArn: RUN },
    { sk: 'FREQUENCY' },
  );
  records.add(
    { storeId: 'demo', customerKey: 'email:mia@example.com' },
    { sk: 'GOAL#order.placed#welcome#email:mia@example.com', executionArn: ENDED_RUN },
  );
  records.add({ storeId: 'demo', customerKey: 'customer:someone-else' }, { sk: 'FREQUENCY' });
  for (const item of [
    'SESMESSAGE#ses-1',
    'LATEST#demo#cart-abandonment#cart-1',
    'SUPPRESSION#demo#mia@example.com',
    'SUPPRESSION#demo#other@example.com',
  ])
    records.outside.add(item);
  const tombstones = new InMemoryErasureLog();
  const stopper = new RecordingStopper();
  stopper.running.add(RUN);
  const deps = {
    profiles: {
      load: async (storeId: string, key: IdentityKey) => (await profiles.load(storeId, key))?.profile,
      delete: async (storeId: string, key: IdentityKey) => {
        profiles.items.delete(`${storeId}#${key}`);
      },
    },
    records,
    tombstones: tombstones.stored,
    stopper,
    hash: tombstoneHasher('demo', TEST_SIGNING_KEY),
  };
  return { profiles, records, tombstones, stopper, deps, events };
}

const MIAS_KEYS: IdentityKey[] = ['customer:c-9', 'email:mia@example.com', 'anonymous:device-1', 'order:o-1'];

describe('Function: eraseCustomer', () => {
  it.each(['email:mia@example.com', 'customer:c-9', 'anonymous:device-1'] as const)(
    'finds every identity of the person from %s and removes their profiles, records and running journeys',
    async (key) => {
      // Prepare
      const { profiles, records, tombstones, stopper, deps } = await world();

      // Act
      const report = await eraseCustomer(deps, {
        storeId: 'demo',
        key,
        at: new Date('2026-03-05T00:00:00Z'),
      });

      // Assess: only the other customer's partition and suppression stay
      expect([...profiles.items.keys()]).toEqual([]);
      expect([...records.partitions.keys()]).toEqual(['demo#customer:someone-else']);
      expect([...records.outside]).toEqual(['SUPPRESSION#demo#other@example.com']);
      expect(stopper.stopped).toEqual([{ executionArn: RUN, cause: ERASED_CAUSE }]);
      expect(await tombstones.erasedAt('demo', MIAS_KEYS.slice(3))).toBe('2026-03-05T00:00:00.000Z');
      for (const identity of MIAS_KEYS) {
        expect(await tombstones.erasedAt('demo', [identity])).toBe('2026-03-05T00:00:00.000Z');
      }
      expect(await tombstones.erasedAt('demo', ['customer:someone-else'])).toBeUndefined();
      expect(report).toEqual({ identities: 4, profiles: 4, records: 5, runsStopped: 1 });
      // Nothing readable stays: the tombstones are keyed hashes
      expect(JSON.stringify([...tombstones.stored.items])).not.toMatch(/mia|c-9|device-1/i);
    },
  );

  it('does the same again after a crash part-way, and nothing on a third run', async () => {
    // Prepare: the first attempt dies after the partitions went, before the profiles did
    const { profiles, records, deps } = await world();
    const failing = {
      ...deps,
      profiles: {
        ...deps.profiles,
        delete: async () => {
          throw new Error('simulated crash');
        },
      },
    };
    const request = {
      storeId: 'demo',
      key: 'email:mia@example.com' as const,
      at: new Date('2026-03-05T00:00:00Z'),
    };
    await expect(eraseCustomer(failing, request)).rejects.toThrow('simulated crash');

    // Act
    const second = await eraseCustomer(deps, request);
    const third = await eraseCustomer(deps, request);

    // Assess
    expect(second.profiles).toBe(4);
    expect([...profiles.items.keys()]).toEqual([]);
    expect([...records.partitions.keys()]).toEqual(['demo#customer:someone-else']);
    expect(third).toEqual({ identities: 1, profiles: 0, records: 0, runsStopped: 0 });
  });
});

describe('Function: recordEvent after an erasure', () => {
  it("drops the person's earlier events replayed from the archive, and starts afresh on a later one", async () => {
    // Prepare
    const { profiles, tombstones, deps, events } = await world();
    await eraseCustomer(deps, { storeId: 'demo', key: 'customer:c-9', at: new Date('2026-03-05T00:00:00Z') });

    // Act: the archive is replayed, then Mia signs up again
    const replayed = [];
    for (const event of events) replayed.push((await recordEvent(profiles, event, tombstones)).outcome);
    const again = canonical({
      id: 'signup-again',
      type: 'customer.registered',
      occurredAt: '2026-04-01T09:00:00Z',
      identity: { email: 'mia@example.com' },
      data: { attributes: {} },
    });
    const fresh = await recordEvent(profiles, again, tombstones);
    const lateReplay = await recordEvent(profiles, events[1] as (typeof events)[number], tombstones);

    // Assess
    expect(replayed).toEqual(['erased', 'erased', 'erased']);
    expect(fresh.outcome).toBe('applied');
    expect(lateReplay.outcome).toBe('erased');
    const profile = profiles.profile('demo', 'email:mia@example.com');
    expect(profile?.erasedBefore).toBe('2026-03-05T00:00:00.000Z');
    expect(profile?.attributes.firstName).toBeUndefined();
    expect(profile?.orderSummary.count).toBe(0);
  });
});
