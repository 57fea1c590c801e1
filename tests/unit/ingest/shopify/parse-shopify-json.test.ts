import { describe, expect, it } from 'vitest';
import { parseShopifyJson } from '#ingest/domain/shopify/parse-shopify-json.ts';
import { shopifyRawFixture } from '../fixtures.ts';

describe('Function: parseShopifyJson', () => {
  it('keeps an id above 2^53 exact, where JSON.parse loses its last digits', () => {
    // Prepare
    const text = '{"id":7382450393366231553}';

    // Act
    const parsed = parseShopifyJson(text);

    // Assess
    expect(parsed).toEqual({ id: '7382450393366231553' });
    expect(BigInt((JSON.parse(text) as { id: number }).id)).toBe(7382450393366232064n);
  });

  it('turns every id-like field of a webhook into the exact text of its id, at any depth', () => {
    // Prepare
    const text = shopifyRawFixture('orders/create');

    // Act
    const order = parseShopifyJson(text) as {
      id: unknown;
      checkout_id: unknown;
      app_id: unknown;
      customer: { id: unknown; default_address: { id: unknown; customer_id: unknown } };
      line_items: { id: unknown; product_id: unknown; variant_id: unknown }[];
    };

    // Assess
    expect(order.id).toBe('5912883347622871041');
    expect(order.checkout_id).toBe('8861493720465389569');
    expect(order.app_id).toBe('580111');
    expect(order.customer.id).toBe('7382450393366231553');
    expect(order.customer.default_address).toMatchObject({
      id: '9136743256130347009',
      customer_id: '7382450393366231553',
    });
    expect(order.line_items.map(({ id, product_id, variant_id }) => [id, product_id, variant_id])).toEqual([
      ['6512981901237411841', '8204563382371139585', '9007199254740993'],
      ['6512981901270966273', '8204563382404694017', '45001932669975413'],
    ]);
  });

  it('leaves numbers that are not ids as numbers', () => {
    // Prepare
    const text = '{"quantity":2,"grams":907,"rate":0.13,"latitude":38.2526,"number":42,"paid":1}';

    // Act
    const parsed = parseShopifyJson(text);

    // Assess
    expect(parsed).toEqual({ quantity: 2, grams: 907, rate: 0.13, latitude: 38.2526, number: 42, paid: 1 });
  });

  it('keeps any other integer too big for a JS number exact as text', () => {
    // Prepare
    const text = '{"total_weight":12345678901234567890,"small":12}';

    // Act
    const parsed = parseShopifyJson(text);

    // Assess
    expect(parsed).toEqual({ total_weight: '12345678901234567890', small: 12 });
  });

  it('turns the items of an *_ids list into exact strings', () => {
    // Prepare
    const text = '{"variant_ids":[808950810,9007199254740993],"tags":[1,2]}';

    // Act
    const parsed = parseShopifyJson(text);

    // Assess
    expect(parsed).toEqual({ variant_ids: ['808950810', '9007199254740993'], tags: [1, 2] });
  });

  it('leaves ids that are already strings, and nulls, as they are', () => {
    // Prepare
    const text = '{"admin_graphql_api_id":"gid://shopify/Order/5912883347622871041","last_order_id":null}';

    // Act
    const parsed = parseShopifyJson(text);

    // Assess
    expect(parsed).toEqual({
      admin_graphql_api_id: 'gid://shopify/Order/5912883347622871041',
      last_order_id: null,
    });
  });

  it('fails with a SyntaxError for a body that is not JSON', () => {
    // Prepare
    const text = '{"id": 1,';

    // Act
    const parse = () => parseShopifyJson(text);

    // Assess
    expect(parse).toThrow(SyntaxError);
  });
});
