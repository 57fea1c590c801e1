import { describe, expect, it } from 'vitest';
import { type CanonicalEvent, EVENT_SOURCE } from '#events/schemas.ts';
import { CATALOG, type CatalogConfig, reorderIntervalDays } from '#journeys/config/catalog-config.ts';
import {
  JOURNEY_IDS,
  JOURNEY_SCHEMAS,
  JOURNEY_STEP_IDS,
  type JourneyId,
  runConfigSchema,
  stepKey,
  TEMPLATE_IDS,
} from '#journeys/config/journey-schema.ts';
import { MAX_EVENT_PATTERN_CHARS, replenishmentEventPattern } from '#journeys/config/journey-triggers.ts';
import { eventStartedJourneys, JOURNEYS, journeyRunConfig } from '#journeys/config/journeys-config.ts';
import { compileEventPattern, matchesEventPattern } from '#local/eventbridge/pattern/index.ts';
import { kindOf } from '#messaging/rendering/template-catalog.ts';
import { canonical, usd } from '#tests/helpers/events.ts';
import { CART_UPDATED, ORDER_PLACED, REGISTERED, VIEWED } from './triggers.ts';

/** The steps that send mail, i.e. every step but the bookkeeping ones. */
function sendingSteps(journey: JourneyId): string[] {
  return JOURNEY_STEP_IDS[journey].filter((step) => step !== 'enter' && step !== 'await-fulfilment');
}

function stepsOf(journey: JourneyId): Record<string, { kind: string; template: string; enabled: boolean }> {
  return JOURNEYS[journey].steps;
}

/** The canonical event as the bus delivers it to a rule: the event is the detail. */
function onTheBus(event: CanonicalEvent, source: string = EVENT_SOURCE): Record<string, unknown> {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': event.type,
    source,
    account: '123456789012',
    time: event.occurredAt,
    region: 'eu-west-1',
    resources: [],
    detail: event,
  };
}

function triggers(journey: JourneyId, event: Record<string, unknown>): boolean {
  const start = JOURNEYS[journey].start;
  if (start.kind !== 'event') throw new Error(`${journey} is not started by an event`);
  return matchesEventPattern(compileEventPattern(start.eventPattern), event);
}

const consent = (channel: 'email' | 'sms', status: 'granted' | 'revoked') => ({
  channel,
  status,
  source: 'signup-form',
  recordedAt: '2026-03-02T10:00:00Z',
});

const registeredWith = (consents: ReturnType<typeof consent>[]) =>
  canonical({ ...REGISTERED, data: { consent: consents } });

const TRIGGER_CASES: { journey: JourneyId; name: string; event: Record<string, unknown>; starts: boolean }[] =
  [
    {
      journey: 'welcome',
      name: 'a registration with e-mail consent',
      event: onTheBus(REGISTERED),
      starts: true,
    },
    {
      journey: 'welcome',
      name: 'a registration without consent',
      event: onTheBus(registeredWith([])),
      starts: false,
    },
    {
      journey: 'welcome',
      name: 'a registration with e-mail consent revoked',
      event: onTheBus(registeredWith([consent('email', 'revoked')])),
      starts: false,
    },
    {
      journey: 'welcome',
      name: 'a profile update granting consent',
      event: onTheBus(canonical({ ...REGISTERED, type: 'customer.updated' })),
      starts: false,
    },
    {
      journey: 'welcome',
      name: 'a registration from another source',
      event: onTheBus(REGISTERED, 'someone.else'),
      starts: false,
    },
    {
      journey: 'browse-abandonment',
      name: 'a view by a known customer',
      event: onTheBus(VIEWED),
      starts: true,
    },
    {
      journey: 'browse-abandonment',
      name: 'a view by an e-mail address only',
      event: onTheBus(canonical({ ...VIEWED, identity: { email: 'ada@example.com' } })),
      starts: true,
    },
    {
      journey: 'browse-abandonment',
      name: 'an anonymous view',
      event: onTheBus(canonical({ ...VIEWED, identity: { anonymousId: 'anon-1' } })),
      starts: false,
    },
    {
      journey: 'cart-abandonment',
      name: 'a non-empty cart snapshot',
      event: onTheBus(CART_UPDATED),
      starts: true,
    },
    {
      journey: 'cart-abandonment',
      // Starts a run so that older runs of the cart see a newer change; the run itself exits as emptied.
      name: 'an emptied cart snapshot',
      event: onTheBus(
        canonical({ ...CART_UPDATED, data: { cartId: 'cart-1', lines: [], total: usd('0.00') } }),
      ),
      starts: true,
    },
    {
      journey: 'cart-abandonment',
      name: 'a line added',
      event: onTheBus(
        canonical({
          ...CART_UPDATED,
          data: {
            cartId: 'cart-1',
            change: { action: 'added', line: { productId: 'sencha-100g', quantity: 1 } },
          },
        }),
      ),
      starts: true,
    },
    {
      journey: 'cart-abandonment',
      name: 'a line removed',
      event: onTheBus(
        canonical({
          ...CART_UPDATED,
          data: {
            cartId: 'cart-1',
            change: { action: 'removed', line: { productId: 'sencha-100g', quantity: 1 } },
          },
        }),
      ),
      starts: true,
    },
    {
      journey: 'cart-abandonment',
      name: 'a started checkout',
      event: onTheBus(
        canonical({
          id: 'evt-checkout-1',
          type: 'checkout.started',
          occurredAt: '2026-03-02T10:05:00Z',
          identity: { customerId: 'c-1' },
          data: {
            checkoutId: 'co-1',
            cartId: 'cart-1',
            lines: [{ productId: 'sencha-100g', quantity: 2 }],
            total: usd('25.00'),
          },
        }),
      ),
      starts: true,
    },
    { journey: 'cart-abandonment', name: 'a placed order', event: onTheBus(ORDER_PLACED), starts: false },
    { journey: 'post-purchase', name: 'a placed order', event: onTheBus(ORDER_PLACED), starts: true },
    {
      journey: 'post-purchase',
      name: 'a fulfilled order',
      event: onTheBus(
        canonical({
          id: 'evt-fulfilled-1',
          type: 'order.fulfilled',
          occurredAt: '2026-03-03T10:00:00Z',
          identity: { customerId: 'c-1' },
          data: { orderId: 'order-1' },
        }),
      ),
      starts: false,
    },
    { journey: 'replenishment', name: 'an order with tea', event: onTheBus(ORDER_PLACED), starts: true },
    {
      journey: 'replenishment',
      name: 'an order of a product with its own interval',
      event: onTheBus(
        canonical({
          ...ORDER_PLACED,
          data: {
            orderId: 'order-2',
            lines: [{ productId: 'coffee-beans-1kg', quantity: 1 }],
            total: usd('30.00'),
          },
        }),
      ),
      starts: true,
    },
    {
      journey: 'replenishment',
      name: 'an order of a COFFEE category in capitals',
      event: onTheBus(
        canonical({
          ...ORDER_PLACED,
          data: {
            orderId: 'order-3',
            lines: [{ productId: 'espresso-250g', category: 'COFFEE', quantity: 1 }],
            total: usd('9.00'),
          },
        }),
      ),
      starts: true,
    },
    {
      journey: 'replenishment',
      name: 'an order of a mug',
      event: onTheBus(
        canonical({
          ...ORDER_PLACED,
          data: {
            orderId: 'order-4',
            lines: [{ productId: 'mug-1', category: 'Tableware', quantity: 1 }],
            total: usd('15.00'),
          },
        }),
      ),
      starts: false,
    },
  ];

describe('Config: JOURNEYS', () => {
  it('defines the six journeys, each under its own id', () => {
    // Prepare
    const expected = [...JOURNEY_IDS];

    // Act
    const ids = Object.values(JOURNEYS).map((journey) => journey.id);

    // Assess
    expect(ids).toEqual(expected);
  });

  it.each(JOURNEY_IDS)('gives every sending step of %s its fixed template', (journey) => {
    // Prepare
    const expected = Object.fromEntries(
      sendingSteps(journey).map((step) => [stepKey(step), `${journey}.${step}`]),
    );

    // Act
    const templates = Object.fromEntries(
      Object.entries(stepsOf(journey)).map(([key, step]) => [key, step.template]),
    );

    // Assess
    expect(templates).toEqual(expected);
  });

  it('uses every template exactly once', () => {
    // Prepare
    const expected = [...TEMPLATE_IDS].sort();

    // Act
    const used = JOURNEY_IDS.flatMap((journey) =>
      Object.values(stepsOf(journey)).map((step) => step.template),
    );

    // Assess
    expect(used.sort()).toEqual(expected);
  });

  it('classifies each step as the template catalogue classifies its template', () => {
    // Prepare
    const steps = JOURNEY_IDS.flatMap((journey) => Object.values(stepsOf(journey)));

    // Act
    const mismatched = steps.filter(
      (step) => step.kind !== kindOf(step.template as Parameters<typeof kindOf>[0]),
    );

    // Assess
    expect(steps).toHaveLength(TEMPLATE_IDS.length);
    expect(mismatched).toEqual([]);
  });

  it('fails a step that names another step’s template', () => {
    // Prepare
    const welcome = structuredClone(JOURNEYS.welcome);
    const swapped = {
      ...welcome,
      steps: { ...welcome.steps, bestsellers: { ...welcome.steps.bestsellers, template: 'welcome.welcome' } },
    };

    // Act
    const result = JOURNEY_SCHEMAS.welcome.safeParse(swapped);

    // Assess
    expect(result.success).toBe(false);
  });

  it('fails a delay longer than a Standard execution can wait', () => {
    // Prepare
    const cart = structuredClone(JOURNEYS['cart-abandonment']);
    cart.steps.lastChance.delaySeconds = 400 * 86_400;

    // Act
    const result = JOURNEY_SCHEMAS['cart-abandonment'].safeParse(cart);

    // Assess
    expect(result.success).toBe(false);
  });

  it('fails a marketing step without a capping rule', () => {
    // Prepare
    const winBack = structuredClone(JOURNEYS['win-back']);
    const { whenCapped: _dropped, ...incentive } = winBack.steps.incentive;

    // Act
    const result = JOURNEY_SCHEMAS['win-back'].safeParse({
      ...winBack,
      steps: { ...winBack.steps, incentive },
    });

    // Assess
    expect(result.success).toBe(false);
  });
});

describe('Function: journeyRunConfig', () => {
  it.each(JOURNEY_IDS)('keeps the run config of %s under 6 KB', (journey) => {
    // Prepare
    const limit = 6 * 1024;

    // Act
    const size = Buffer.byteLength(JSON.stringify(journeyRunConfig(journey)));

    // Assess
    expect(size).toBeLessThan(limit);
  });

  it.each(JOURNEY_IDS)('gives %s a run config its Lambda can parse back', (journey) => {
    // Prepare
    const config = JSON.parse(JSON.stringify(journeyRunConfig(journey)));

    // Act
    const result = runConfigSchema(journey).safeParse(config);

    // Assess
    expect(result.success).toBe(true);
  });

  it('leaves out what only infra needs', () => {
    // Prepare
    const config = journeyRunConfig('cart-abandonment');

    // Act
    const keys = Object.keys(config);

    // Assess
    expect(keys).not.toContain('id');
    expect(keys).not.toContain('start');
    expect(keys).toEqual(expect.arrayContaining(['priority', 'holdoutPercent', 'steps', 'discount', 'cart']));
  });
});

describe('Function: eventStartedJourneys', () => {
  it('lists every journey but the scanned win-back', () => {
    // Prepare
    const expected = JOURNEY_IDS.filter((journey) => journey !== 'win-back');

    // Act
    const ids = eventStartedJourneys().map((journey) => journey.id);

    // Assess
    expect(ids).toEqual(expected);
  });

  it.each(eventStartedJourneys())(
    'gives $id a valid pattern within the default quota',
    ({ eventPattern }) => {
      // Prepare
      const text = JSON.stringify(eventPattern);

      // Act
      const compile = () => compileEventPattern(text);

      // Assess
      expect(compile).not.toThrow();
      expect(text.length).toBeLessThanOrEqual(MAX_EVENT_PATTERN_CHARS);
    },
  );

  it.each(TRIGGER_CASES)('decides whether $name starts $journey ($starts)', ({ journey, event, starts }) => {
    // Prepare
    const rule = journey;

    // Act
    const matched = triggers(rule, event);

    // Assess
    expect(matched).toBe(starts);
  });

  it('also starts welcome when only another channel is granted, which is why enter re-checks consent', () => {
    // Prepare
    const event = onTheBus(registeredWith([consent('email', 'revoked'), consent('sms', 'granted')]));

    // Act
    const matched = triggers('welcome', event);

    // Assess
    expect(matched).toBe(true);
  });
});

describe('Function: replenishmentEventPattern', () => {
  it('matches by category alone when no product has its own interval', () => {
    // Prepare
    const catalog: CatalogConfig = { reorderIntervalDays: { byProductId: {}, byCategory: { tea: 30 } } };

    // Act
    const pattern = replenishmentEventPattern(catalog);

    // Assess
    expect(pattern.detail).toEqual({
      data: { cancelledAt: [{ exists: false }], lines: { category: [{ 'equals-ignore-case': 'tea' }] } },
    });
  });

  it('fails for a catalog without any reorder interval', () => {
    // Prepare
    const catalog: CatalogConfig = { reorderIntervalDays: { byProductId: {}, byCategory: {} } };

    // Act
    const build = () => replenishmentEventPattern(catalog);

    // Assess
    expect(build).toThrow(/no reorder interval/);
  });
});

describe('Function: reorderIntervalDays', () => {
  it('prefers the product’s own interval over its category’s', () => {
    // Prepare
    const product = { productId: 'coffee-beans-1kg', category: 'Coffee' };

    // Act
    const days = reorderIntervalDays(CATALOG, product);

    // Assess
    expect(days).toBe(42);
  });

  it('compares categories case-insensitively', () => {
    // Prepare
    const product = { productId: 'sencha-100g', category: 'TEA' };

    // Act
    const days = reorderIntervalDays(CATALOG, product);

    // Assess
    expect(days).toBe(30);
  });

  it('knows no interval for a product that is not replenished', () => {
    // Prepare
    const product = { productId: 'mug-1', category: 'Tableware' };

    // Act
    const days = reorderIntervalDays(CATALOG, product);

    // Assess
    expect(days).toBeUndefined();
  });
});

describe('Function: stepKey', () => {
  it('turns step ids into the keys the ASL paths use', () => {
    // Prepare
    const steps = ['reminder-1', 'first-order-incentive', 'welcome'] as const;

    // Act
    const keys = steps.map((step) => stepKey(step));

    // Assess
    expect(keys).toEqual(['reminder1', 'firstOrderIncentive', 'welcome']);
  });
});
