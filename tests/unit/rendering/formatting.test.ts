import { describe, expect, it } from 'vitest';
import { formatDate, formatMoney } from '#messaging/rendering/formatting.ts';
import { createLiquidEngines } from '#messaging/rendering/liquid-engines.ts';

const us = { locale: 'en-US', timeZone: 'UTC' };

describe('Function: formatMoney', () => {
  it.each([
    [{ amount: '27.5', currency: 'USD' }, 'en-US', '$27.50'],
    [{ amount: '27.50', currency: 'EUR' }, 'de-DE', '27,50\u00a0€'],
    [{ amount: '1234.5', currency: 'EUR' }, 'fr-FR', '1\u202f234,50\u00a0€'],
    [{ amount: '1200', currency: 'JPY' }, 'ja-JP', '￥1,200'],
    [{ amount: '1200.00', currency: 'JPY' }, 'en-US', '¥1,200'],
    [{ amount: '-0.01', currency: 'USD' }, 'en-US', '-$0.01'],
  ])('formats %j in %s as %s', (money, locale, expected) => {
    // Act + Assess
    expect(formatMoney(money, { locale, timeZone: 'UTC' })).toBe(expected);
  });

  it('formats amounts beyond float precision exactly', () => {
    // Act + Assess
    expect(formatMoney({ amount: '90071992547409.93', currency: 'USD' }, us)).toBe('$90,071,992,547,409.93');
  });

  it('fails for more digits than the currency has instead of rounding', () => {
    // Act + Assess
    expect(() => formatMoney({ amount: '19.999', currency: 'USD' }, us)).toThrow(
      /more than 2 decimal places/,
    );
    expect(() => formatMoney({ amount: '5.5', currency: 'JPY' }, us)).toThrow(/JPY/);
  });

  it('fails for a value that is not money', () => {
    // Act + Assess
    expect(() => formatMoney('27.50', us)).toThrow(/money expects/);
    expect(() => formatMoney(undefined, us)).toThrow(/got nothing/);
  });
});

describe('Function: formatDate', () => {
  it('shows the calendar date in the store time zone', () => {
    // Prepare
    const endOfDayInTokyo = '2026-06-01T14:59:59Z';

    // Act + Assess
    expect(formatDate(endOfDayInTokyo, { locale: 'en-US', timeZone: 'Asia/Tokyo' })).toBe('June 1, 2026');
    expect(formatDate(endOfDayInTokyo, { locale: 'ja-JP', timeZone: 'Asia/Tokyo' })).toBe('2026年6月1日');
    expect(formatDate('2026-06-02T00:30:00+09:00', { locale: 'en-US', timeZone: 'UTC' }, 'medium')).toBe(
      'Jun 1, 2026',
    );
  });

  it('fails for a value that is not a timestamp or an unknown style', () => {
    // Act + Assess
    expect(() => formatDate('next Tuesday', us)).toThrow(/ISO timestamp/);
    expect(() => formatDate('2026-06-01T00:00:00Z', us, '%Y')).toThrow(/date style/);
  });
});

describe('Function: createLiquidEngines', () => {
  it('escapes HTML output even through | raw, and leaves plain text alone', () => {
    // Prepare
    const { html, text } = createLiquidEngines({});
    const scope = { name: '<b>"Tea" & cake</b>' };

    // Act
    const escaped = html.parseAndRenderSync('{{ name }}|{{ name | raw }}|{{ name | upcase }}', scope);
    const plain = text.parseAndRenderSync('{{ name }}', scope);

    // Assess
    expect(escaped).toBe(
      '&lt;b&gt;&#34;Tea&#34; &amp; cake&lt;/b&gt;|&lt;b&gt;&#34;Tea&#34; &amp; cake&lt;/b&gt;|&lt;B&gt;&#34;TEA&#34; &amp; CAKE&lt;/B&gt;',
    );
    expect(plain).toBe('<b>"Tea" & cake</b>');
  });

  it('lets optional sections be tested but fails on outputting a missing variable or an unknown filter', () => {
    // Prepare
    const { text } = createLiquidEngines({});

    // Act + Assess
    expect(text.parseAndRenderSync('{% if cart %}cart{% else %}none{% endif %}', {})).toBe('none');
    expect(text.parseAndRenderSync("{{ customer.firstName | default: 'there' }}", { customer: {} })).toBe(
      'there',
    );
    expect(() => text.parseAndRenderSync('{{ cart.total }}', {})).toThrow(/undefined variable: cart/);
    expect(() => text.parse('{{ cart | nonsense }}')).toThrow(/undefined filter: nonsense/);
  });

  it('formats money with the locale of the store being rendered', () => {
    // Prepare
    const { text } = createLiquidEngines({});
    const price = { amount: '27.5', currency: 'EUR' };

    // Act
    const german = text.parseAndRenderSync('{{ price | money }}', { store: { locale: 'de-DE' }, price });
    const fallback = text.parseAndRenderSync('{{ price | money }}', { store: {}, price });

    // Assess
    expect(german).toBe('27,50\u00a0€');
    expect(fallback).toBe('€27.50');
  });
});
