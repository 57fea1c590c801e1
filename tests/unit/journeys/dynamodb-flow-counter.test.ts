import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbFlowCounter } from '#journeys/adapters/dynamodb-flow-counter.ts';
import { type LocalTables, MESSAGES_TABLE, startLocalTables } from '../engagement/messages-table.ts';

let tables: LocalTables;
let flow: DynamoDbFlowCounter;

beforeAll(async () => {
  tables = await startLocalTables();
  flow = new DynamoDbFlowCounter(tables.documents, MESSAGES_TABLE);
});
afterAll(async () => tables?.close());

const at = (iso: string) => new Date(iso);

describe('Class: DynamoDbFlowCounter', () => {
  it('adds up counts across days and shards within the span, and none outside it', async () => {
    // Prepare: many triggers, so their writes land in several shards
    for (let index = 0; index < 20; index += 1) {
      await flow.add(
        'demo',
        'welcome',
        at('2026-03-01T09:00:00Z'),
        { node: 'enter', names: ['entered'] },
        `t-${index}`,
      );
    }
    await flow.add(
      'demo',
      'welcome',
      at('2026-03-02T09:00:00Z'),
      { node: 'welcome', names: ['sent'] },
      't-1',
    );
    await flow.add(
      'demo',
      'welcome',
      at('2026-03-02T09:00:00Z'),
      { node: 'enter', names: ['entered', 'heldout'] },
      't-2',
    );
    await flow.add(
      'demo',
      'welcome',
      at('2026-03-09T09:00:00Z'),
      { node: 'welcome', names: ['sent'] },
      't-3',
    );
    await flow.add(
      'other',
      'welcome',
      at('2026-03-01T09:00:00Z'),
      { node: 'enter', names: ['entered'] },
      't-4',
    );

    // Act
    const read = await flow.read('demo', 'welcome', {
      from: at('2026-03-01T00:00:00Z'),
      to: at('2026-03-02T23:59:59Z'),
      now: at('2026-03-03T00:00:00Z'),
    });

    // Assess
    expect(read).toEqual({
      counts: { enter: { entered: 21, heldout: 1 }, welcome: { sent: 1 } },
      waiting: {},
    });
  });

  it('counts runs as waiting until their wait ends, less those resumed early', async () => {
    // Prepare
    const waitAt = (until: string, key: string) =>
      flow.add(
        'demo',
        'post-purchase',
        at('2026-03-01T09:00:00Z'),
        { node: 'await', names: ['passed'], waitingUntil: until },
        key,
      );
    await waitAt('2026-03-31T09:00:00.000Z', 'a');
    await waitAt('2026-03-31T09:05:00.000Z', 'b');
    await waitAt('2026-03-02T09:00:00.000Z', 'c');
    await flow.stopWaiting('demo', 'post-purchase', 'await', '2026-03-31T09:05:00.000Z', 'resumer-key');

    // Act
    const span = { from: at('2026-03-01T00:00:00Z'), to: at('2026-03-01T00:00:00Z') };
    const early = await flow.read('demo', 'post-purchase', { ...span, now: at('2026-03-01T10:00:00Z') });
    const later = await flow.read('demo', 'post-purchase', { ...span, now: at('2026-03-03T10:00:00Z') });

    // Assess
    expect(early.waiting).toEqual({ await: 2 });
    expect(later.waiting).toEqual({ await: 1 });
    expect(later.counts).toEqual({ await: { passed: 3 } });
  });

  it('adds amounts, and records the first winner declared for a node', async () => {
    // Prepare
    await flow.add(
      'demo',
      'cart-abandonment',
      at('2026-03-01T09:00:00Z'),
      { node: 'last-chance', names: ['converted@a'], amounts: { 'revenue:USD@a': 1999 } },
      'o-1',
    );
    await flow.add(
      'demo',
      'cart-abandonment',
      at('2026-03-01T10:00:00Z'),
      { node: 'last-chance', names: ['converted@a'], amounts: { 'revenue:USD@a': 1 } },
      'o-2',
    );

    // Act
    const first = await flow.declareWinner('demo', 'cart-abandonment', 'last-chance', {
      winner: 'a',
      reason: 'a is best',
      at: '2026-03-02T00:00:00.000Z',
    });
    const second = await flow.declareWinner('demo', 'cart-abandonment', 'last-chance', {
      winner: 'b',
      reason: 'b is best',
      at: '2026-03-03T00:00:00.000Z',
    });
    const span = {
      from: at('2026-03-01T00:00:00Z'),
      to: at('2026-03-01T00:00:00Z'),
      now: at('2026-03-02T00:00:00Z'),
    };

    // Assess
    expect([first, second]).toEqual(['a', 'a']);
    expect(await flow.findWinner('demo', 'cart-abandonment', 'last-chance')).toBe('a');
    expect(await flow.findWinner('demo', 'cart-abandonment', 'other')).toBeUndefined();
    expect((await flow.read('demo', 'cart-abandonment', span)).counts).toEqual({
      'last-chance': { 'converted@a': 2, 'revenue:USD@a': 2000 },
    });
  });
});
