import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent } from '#events/schemas.ts';
import { unsubscribe } from '#messaging/domain/unsubscribe.ts';
import { signUnsubscribeToken, type UnsubscribeClaims } from '#messaging/domain/unsubscribe-token.ts';
import type { StoreRecord } from '#stores/store-record.ts';
import { InMemoryMessagingStore } from '#tests/helpers/in-memory-messaging.ts';

const now = new Date('2026-03-10T12:00:00Z');
const stores: StoreRecord[] = [
  {
    storeId: 'store-1',
    name: 'Store One',
    defaultCurrency: 'EUR',
    timeZone: 'UTC',
    unsubscribeSigningKey: 'key-1',
  },
  {
    storeId: 'store-2',
    name: 'Store Two',
    defaultCurrency: 'EUR',
    timeZone: 'UTC',
    unsubscribeSigningKey: 'key-2',
  },
];
const claims: UnsubscribeClaims = {
  storeId: 'store-1',
  email: 'ann@example.com',
  journey: 'cart-abandonment',
  expiresAt: new Date('2026-06-10T12:00:00Z'),
};

function world() {
  const messaging = new InMemoryMessagingStore();
  const published: CanonicalEvent[] = [];
  const deps = {
    messaging,
    findStore: async (storeId: string) => stores.find((store) => store.storeId === storeId),
    publish: async (event: CanonicalEvent) => {
      published.push(event);
    },
  };
  return { deps, messaging, published };
}

/** A version 1 link, as mailed before tokens were encrypted: still honoured for 90 days. */
function signV1(input: UnsubscribeClaims, secret: string): string {
  const encoded = Buffer.from(
    JSON.stringify({
      v: 1,
      s: input.storeId,
      e: input.email,
      j: input.journey,
      x: input.expiresAt.getTime(),
    }),
  ).toString('base64url');
  return `${encoded}.${createHmac('sha256', secret).update(encoded).digest('base64url')}`;
}

describe('Function: unsubscribe', () => {
  it.each([
    { name: 'a version 2 token', token: () => signUnsubscribeToken(claims, 'key-1') },
    { name: 'a version 1 token', token: () => signV1(claims, 'key-1') },
  ])('suppresses the address and records the consent change for $name', async ({ token }) => {
    // Prepare
    const { deps, messaging, published } = world();

    // Act
    const result = await unsubscribe(deps, token(), now);

    // Assess
    expect(result).toEqual({ ok: true, storeName: 'Store One', email: 'ann@example.com' });
    expect(messaging.suppressions.get('store-1#ann@example.com')).toEqual({
      reason: 'unsubscribed',
      at: now.toISOString(),
    });
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ storeId: 'store-1', identity: { email: 'ann@example.com' } });
  });

  it("refuses a version 2 token whose store id was swapped for another store's", async () => {
    // Prepare
    const { deps, messaging, published } = world();
    const parts = signUnsubscribeToken(claims, 'key-1').split('.');
    parts[1] = Buffer.from('store-2').toString('base64url');

    // Act
    const result = await unsubscribe(deps, parts.join('.'), now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
    expect(messaging.suppressions.size).toBe(0);
    expect(published).toEqual([]);
  });

  it.each([
    {
      name: 'an unknown store',
      token: () => signUnsubscribeToken({ ...claims, storeId: 'gone' }, 'key-1'),
      reason: 'unknown-store',
    },
    { name: 'garbage', token: () => 'not-a-token', reason: 'malformed' },
    {
      name: 'an expired token',
      token: () => signUnsubscribeToken({ ...claims, expiresAt: now }, 'key-1'),
      reason: 'expired',
    },
  ])('refuses $name without suppressing anyone', async ({ token, reason }) => {
    // Prepare
    const { deps, messaging, published } = world();

    // Act
    const result = await unsubscribe(deps, token(), now);

    // Assess
    expect(result).toEqual({ ok: false, reason });
    expect(messaging.suppressions.size).toBe(0);
    expect(published).toEqual([]);
  });
});
