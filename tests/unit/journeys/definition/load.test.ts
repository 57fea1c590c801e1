import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkJourneyFile,
  journeyFiles,
  journeyJsonSchema,
  loadJourneys,
} from '#infra/journeys/definitions.ts';
import { journeyMermaid } from '#journeys/definition/graph.ts';
import { formatProblem, loadJourney } from '#journeys/definition/load.ts';

const templates = ['shop.hello', 'shop.reminder', 'shop.offer-a', 'shop.offer-b'];
const load = (text: string, file = 'journeys/first-order-anniversary.journey.yaml') =>
  loadJourney(file, text, { templates });

const VALID = `id: first-order-anniversary
name: A year since the first order
priority: 30
trigger:
  event: order.placed
  where: { data.total: { gte: "20.00 USD" } }
subject: data.orderId
exitWhen:
  - { consent: email, is: revoked, as: unsubscribed }
steps:
  - id: hello
    send: { template: shop.hello }
  - waitFor:
      event: order.fulfilled
      where: { data.orderId: { equals: $subject } }
      timeout: 30d
      onEvent: engaged
  - id: engaged
    split:
      - when: { profile.orderSummary.count: { gte: 2 } }
        to: offer
      - else: reminder
  - id: reminder
    wait: { untilLocal: { time: "10:00", days: [tue, wed, thu] } }
    next: offer
  - id: offer
    experiment:
      autoWinner: { minPerVariant: 200, probability: 0.95 }
      variants:
        - { id: ten-off, send: { template: shop.offer-a, discount: { percentOff: 10, validityDays: 7 } } }
        - { id: free-ship, send: { template: shop.offer-b } }
`;

describe('Function: loadJourney', () => {
  it('reads a valid journey, giving steps without an id one from their kind and position', () => {
    // Act
    const result = load(VALID);

    // Assess
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.definition.steps.map((step) => step.id)).toEqual([
      'hello',
      'waitFor-2',
      'engaged',
      'reminder',
      'offer',
    ]);
    expect(result.definition.steps[0]).toMatchObject({
      send: { kind: 'marketing', whenCapped: 'defer', enabled: true },
    });
  });

  it.each([
    [
      'an unknown node kind',
      VALID.replace('send: { template: shop.hello }', 'mail: { template: shop.hello }'),
      'steps[0]',
      11,
    ],
    [
      'a template that does not exist',
      VALID.replace('shop.hello', 'shop.missing'),
      'steps[0].send.template',
      12,
    ],
    [
      'a branch to a step that does not exist',
      VALID.replace('to: offer', 'to: offers'),
      'steps[2].split[0].to',
      21,
    ],
    ['a bad duration', VALID.replace('timeout: 30d', 'timeout: a month'), 'steps[1].waitFor.timeout', 16],
    ['a bad time of day', VALID.replace('"10:00"', '"25:00"'), 'steps[3].wait', 24],
    ['a duplicate step id', VALID.replace('- id: reminder', '- id: engaged'), 'steps[3].id', 23],
    ['an unknown event type', VALID.replace('event: order.placed', 'event: order.paid'), 'trigger', 4],
    [
      'an id that is not the file name',
      VALID.replace('id: first-order-anniversary', 'id: anniversary'),
      'id',
      1,
    ],
    [
      'a condition with an unknown test',
      VALID.replace('gte: "20.00 USD"', 'atLeast: "20.00 USD"'),
      'trigger.where.data.total',
      6,
    ],
  ])('reports %s with the file, line and path', (_name, text, path, line) => {
    // Act
    const result = load(text);

    // Assess
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const problem = result.problems.find((candidate) => candidate.path.startsWith(path));
    expect(problem, JSON.stringify(result.problems)).toMatchObject({
      file: 'journeys/first-order-anniversary.journey.yaml',
      line,
    });
    expect(formatProblem(problem as never)).toMatch(
      /^journeys\/first-order-anniversary\.journey\.yaml:\d+: \S+: .+/,
    );
  });

  it('reports a step that can never be reached', () => {
    // Act
    const result = load(
      VALID.replace('    next: offer\n', '    next: end\n').replace('to: offer', 'to: reminder'),
    );

    // Assess
    expect(result).toMatchObject({
      ok: false,
      problems: [{ path: 'steps[4]', message: 'offer can never be reached' }],
    });
  });

  it('reports broken YAML with its line', () => {
    // Act
    const result = load('id: x\nsteps: [\n');

    // Assess
    expect(result).toMatchObject({
      ok: false,
      problems: [{ message: expect.stringContaining('not valid YAML') }],
    });
  });
});

describe('The shipped journeys as definitions', () => {
  it('are one valid file per journey, each named for its id', () => {
    // Act
    const journeys = loadJourneys();

    // Assess
    expect(journeys.map((journey) => journey.id)).toEqual([
      'browse-abandonment',
      'cart-abandonment',
      'post-purchase',
      'replenishment',
      'welcome',
      'win-back',
    ]);
    expect(journeyFiles()).toHaveLength(6);
  });

  it('draws the post-purchase journey as a Mermaid flowchart with its branches and counts', () => {
    // Prepare
    const result = checkJourneyFile(journeyFiles().find((file) => file.includes('post-purchase')) as string);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));

    // Act
    const mermaid = journeyMermaid(result.definition, {
      enter: { entered: 14, 'exited:duplicate-trigger': 1 },
      'order-confirmation': { sent: 12, 'skipped:suppressed@b': 2 },
    });

    // Assess
    expect(mermaid).toContain('flowchart TD');
    expect(mermaid).toContain('start(["order.placed<br/>entered: 14 · exited duplicate-trigger: 1"])');
    expect(mermaid).toContain(
      's1["order-confirmation<br/>send post-purchase.order-confirmation<br/>sent: 12 · skipped suppressed (b): 2"]',
    );
    expect(mermaid).toContain('s2 -->|"order.fulfilled"| s3');
    expect(mermaid).toContain('s2 -->|"timeout"| finish');
  });

  it('keeps journeys/journey.schema.json as the definition schema generates it (npm run journeys -- journey schema)', () => {
    // Act
    const committed = readFileSync(
      new URL('../../../../journeys/journey.schema.json', import.meta.url),
      'utf8',
    );

    // Assess
    expect(committed).toBe(journeyJsonSchema());
    expect(JSON.parse(committed).properties.steps.items.anyOf).toHaveLength(7);
  });
});
