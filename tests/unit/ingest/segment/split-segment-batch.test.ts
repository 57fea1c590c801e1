import { describe, expect, it } from 'vitest';
import { SEGMENT_BATCH_MAX_EVENTS, splitSegmentBatch } from '#ingest/domain/segment/split-segment-batch.ts';
import { segmentFixture } from '../fixtures.ts';

function messagesOf(body: unknown): unknown[] {
  const split = splitSegmentBatch(body);
  if (!('messages' in split)) throw new Error(`expected messages, got ${split.problems.join('; ')}`);
  return split.messages;
}

describe('Function: splitSegmentBatch', () => {
  it('splits the HTTP API batch example and gives every message the batch context', () => {
    // Prepare
    const { body } = segmentFixture('http-api-batch.json');

    // Act
    const messages = messagesOf(body);

    // Assess
    expect(messages).toHaveLength(4);
    for (const message of messages) {
      expect(message).toMatchObject({ context: { device: { type: 'phone', name: 'Apple iPhone 6' } } });
    }
    expect(messages[1]).toEqual({
      type: 'track',
      userId: '019mr8mf4r',
      event: 'Song Played',
      properties: { name: 'Fallin for You', artist: 'Dierks Bentley' },
      timestamp: '2012-12-02T00:30:12.984Z',
      context: { device: { type: 'phone', name: 'Apple iPhone 6' } },
    });
  });

  it("merges context and integrations one level deep, the message's own keys winning", () => {
    // Prepare
    const body = {
      context: { locale: 'en-US', ip: '10.0.0.1', traits: { email: 'batch@example.com' } },
      integrations: { All: false, Mixpanel: true },
      batch: [
        {
          type: 'identify',
          userId: 'u-1',
          context: { ip: '10.0.0.2', traits: { plan: 'pro' } },
          integrations: { Mixpanel: false },
        },
      ],
    };

    // Act
    const [message] = messagesOf(body);

    // Assess
    expect(message).toEqual({
      type: 'identify',
      userId: 'u-1',
      context: { locale: 'en-US', ip: '10.0.0.2', traits: { plan: 'pro' } },
      integrations: { All: false, Mixpanel: false },
    });
  });

  it('gives messages without their own sentAt the batch sentAt, as analytics-node sends it', () => {
    // Prepare
    const body = {
      sentAt: '2024-06-01T10:00:05.000Z',
      batch: [
        { type: 'identify', userId: 'u-1' },
        { type: 'identify', userId: 'u-2', sentAt: '2024-06-01T09:00:00.000Z' },
      ],
    };

    // Act
    const messages = messagesOf(body);

    // Assess
    expect(messages).toEqual([
      { type: 'identify', userId: 'u-1', sentAt: '2024-06-01T10:00:05.000Z' },
      { type: 'identify', userId: 'u-2', sentAt: '2024-06-01T09:00:00.000Z' },
    ]);
  });

  it('passes items that are not objects through for the mapper to reject one by one', () => {
    // Prepare
    const body = { context: { ip: '10.0.0.1' }, batch: ['oops', null, { type: 'page', userId: 'u-1' }] };

    // Act
    const messages = messagesOf(body);

    // Assess
    expect(messages).toEqual(['oops', null, { type: 'page', userId: 'u-1', context: { ip: '10.0.0.1' } }]);
  });

  it('does not change the body it was given', () => {
    // Prepare
    const item = { type: 'identify', userId: 'u-1', context: { ip: '10.0.0.2' } };
    const body = { context: { locale: 'en-US' }, batch: [item] };

    // Act
    messagesOf(body);

    // Assess
    expect(item).toEqual({ type: 'identify', userId: 'u-1', context: { ip: '10.0.0.2' } });
  });

  it('accepts an empty batch', () => {
    // Prepare
    const body = { batch: [] };

    // Act
    const split = splitSegmentBatch(body);

    // Assess
    expect(split).toEqual({ messages: [] });
  });

  it.each([
    ['a body that is not an object', [{ type: 'track' }], '(root): a batch body must be a JSON object'],
    ['a body without a batch', { writeKey: 'k' }, 'batch: required (an array of messages)'],
    ['a batch that is not an array', { batch: { type: 'track' } }, 'batch: required (an array of messages)'],
    ['a context that is not an object', { batch: [], context: 'phone' }, 'context: must be an object'],
    ['a batch sentAt that is not a string', { batch: [], sentAt: 1717236000 }, 'sentAt: must be a string'],
  ])('rejects %s', (_, body, problem) => {
    // Prepare: the body is given per case.

    // Act
    const split = splitSegmentBatch(body);

    // Assess
    expect(split).toEqual({ problems: [problem] });
  });

  it("rejects a batch over Segment's limit of 2500 messages", () => {
    // Prepare
    const batch = Array.from({ length: SEGMENT_BATCH_MAX_EVENTS + 1 }, (_, index) => ({
      type: 'identify',
      userId: `u-${index}`,
    }));

    // Act
    const split = splitSegmentBatch({ batch });

    // Assess
    expect(SEGMENT_BATCH_MAX_EVENTS).toBe(2500);
    expect(split).toEqual({ problems: ["batch: 2501 messages is more than Segment's limit of 2500"] });
  });
});
