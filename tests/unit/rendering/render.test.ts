import { describe, expect, it } from 'vitest';
import { renderMessage } from '#messaging/rendering/render.ts';
import { sampleData } from '#messaging/rendering/sample-data.ts';
import { kindOf, type TemplateId, templateIds } from '#messaging/rendering/template-catalog.ts';
import type { TemplateData } from '#messaging/rendering/template-data.ts';

const escapeRegExp = (value: string) => value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const escapeHtml = (value: string) =>
  value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&#34;')
    .replaceAll("'", '&#39;');

function rendered(templateId: TemplateId, data: TemplateData = sampleData(templateId)) {
  const result = renderMessage(templateId, data);
  if (!result.ok) throw new Error(result.error.message);
  return result;
}

function renderError(templateId: TemplateId, data: unknown) {
  const result = renderMessage(templateId, data as TemplateData);
  if (result.ok) throw new Error(`expected ${templateId} to fail`);
  return result.error;
}

describe('Function: renderMessage', () => {
  it.each(templateIds.filter((id) => kindOf(id) === 'marketing'))(
    'renders %s with the sender, postal address and unsubscribe link in both parts',
    (templateId) => {
      // Prepare
      const data = sampleData(templateId);
      const { senderName, postalAddress } = data.store;
      const unsubscribeUrl = data.unsubscribeUrl ?? '';

      // Act
      const message = rendered(templateId, data);

      // Assess
      expect(message.subject.trim()).not.toBe('');
      expect(message.subject).not.toMatch(/[\r\n{}]/);
      expect(message.html).toMatch(/^<!doctype html>/);
      expect(message.html).toContain(`<title>${escapeHtml(message.subject)}</title>`);
      expect(message.html).not.toMatch(/{{|{%|<mj-/);
      expect(message.html).toContain(escapeHtml(senderName));
      expect(message.html).toContain(escapeHtml(postalAddress));
      expect(message.html).toMatch(
        new RegExp(`<a href="${escapeRegExp(escapeHtml(unsubscribeUrl))}"[^>]*>Unsubscribe</a>`),
      );
      expect(message.text).toContain(senderName);
      expect(message.text).toContain(postalAddress);
      expect(message.text).toContain(`Unsubscribe: ${unsubscribeUrl}`);
      expect(message.text).not.toMatch(/&amp;|&#39;|{{|{%/);
    },
  );

  it('renders the order confirmation as transactional mail: sender and address, no unsubscribe link', () => {
    // Prepare
    const data = sampleData('post-purchase.order-confirmation');

    // Act
    const message = rendered('post-purchase.order-confirmation', data);

    // Assess
    expect(message.subject).toBe('Order #1042 confirmed. Thank you!');
    expect(message.html).toContain(escapeHtml(data.store.senderName));
    expect(message.html).toContain(escapeHtml(data.store.postalAddress));
    expect(message.html).not.toMatch(/unsubscribe/i);
    expect(message.text).toContain(data.store.postalAddress);
    expect(message.text).toContain('Ceramic Pour-Over Dripper, $38.00 (qty 1)');
    expect(message.text).toContain('Total: $75.00');
    expect(message.text).toContain('placed May 28, 2026');
  });

  it('shows viewed products most recent first, at most three, then one related pick', () => {
    // Prepare
    const data = sampleData('browse-abandonment.reminder');
    const viewed = [
      'Walnut Serving Board',
      'Linen Tea Towel Set of 2',
      'Stoneware Mug, Sage',
      'Ceramic Pour-Over',
    ];
    const products = viewed.map((name, index) => ({ productId: `p-${index}`, name }));

    // Act
    const message = rendered('browse-abandonment.reminder', { ...data, products });

    // Assess
    const positions = viewed.map((name) => message.text.indexOf(name));
    expect(positions[0]).toBeLessThan(positions[1] ?? -1);
    expect(positions[1]).toBeLessThan(positions[2] ?? -1);
    expect(positions[3]).toBe(-1);
    expect(message.text).toMatch(/You might also like:\n\n- Hand-poured Candle, Cedar & Smoke, \$28\.00/);
    expect(message.subject).toBe('Still thinking about Walnut Serving Board?');
  });

  it('leaves optional sections out when their data is absent', () => {
    // Prepare
    const { products: _products, ...data } = sampleData('win-back.we-miss-you');
    const { total: _total, ...cart } = sampleData('cart-abandonment.reminder-1').cart ?? {
      lines: [],
      checkoutUrl: '',
    };

    // Act
    const winBack = rendered('win-back.we-miss-you', data);
    const reminder = rendered('cart-abandonment.reminder-1', {
      ...sampleData('cart-abandonment.reminder-1'),
      cart,
    });

    // Assess
    expect(winBack.text).not.toContain('Picked for you');
    expect(winBack.html).not.toContain('Picked for you');
    expect(reminder.text).not.toContain('Total');
    expect(reminder.html).toContain('Return to your cart');
  });

  it('sends the bestsellers email without product cards when no products are known', () => {
    // Prepare
    const { products: _products, ...data } = sampleData('welcome.bestsellers');

    // Act
    const message = rendered('welcome.bestsellers', data);

    // Assess
    expect(message.text).toContain('Shop our bestsellers: https://juniper-and-oak.example');
    expect(message.html).toContain('Shop our bestsellers');
    expect(message.html).not.toContain('Shop now');
  });

  it('greets a customer without a first name neutrally', () => {
    // Prepare
    const data = sampleData('welcome.welcome');

    // Act
    const message = rendered('welcome.welcome', {
      ...data,
      customer: { email: 'a@example.com', firstName: ' ' },
    });

    // Assess
    expect(message.subject).toBe('Welcome to Juniper & Oak');
    expect(message.text).toContain('Hi there,');
    expect(message.html).toContain('Hi there,');
  });

  it('escapes every value in the HTML part and none in the text part', () => {
    // Prepare
    const data = sampleData('cart-abandonment.reminder-1');
    const name = '<script>alert(1)</script> "Mug" & \'Co\'';
    const cart = {
      ...data.cart,
      checkoutUrl: 'https://shop.example/cart?a=1&b="2"',
      lines: [{ productId: 'x', name }],
    };

    // Act
    const message = rendered('cart-abandonment.reminder-1', { ...data, cart });

    // Assess
    expect(message.html).not.toContain('<script>');
    expect(message.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &#34;Mug&#34; &amp; &#39;Co&#39;');
    expect(message.html).toContain('href="https://shop.example/cart?a=1&amp;b=&#34;2&#34;"');
    expect(message.text).toContain(`- ${name}`);
  });

  it('fails naming the variable and the template when the data lacks what the template needs', () => {
    // Prepare
    const { cart: _cart, ...data } = sampleData('cart-abandonment.reminder-1');

    // Act
    const error = renderError('cart-abandonment.reminder-1', data);

    // Assess
    expect(error).toMatchObject({
      kind: 'missing-variable',
      templateId: 'cart-abandonment.reminder-1',
      variable: 'cart',
    });
    expect(error.message).toMatch(/cart-abandonment\.reminder-1.*"cart"/);
  });

  it('fails naming the variable when the section is missing entirely, in the first part that needs it', () => {
    // Prepare
    const { discount: _discount, ...data } = sampleData('win-back.incentive');

    // Act
    const error = renderError('win-back.incentive', data);

    // Assess
    expect(error).toMatchObject({ kind: 'missing-variable', part: 'subject', variable: 'discount' });
  });

  it('fails naming the nested variable when a list the template needs is empty', () => {
    // Prepare
    const data = { ...sampleData('browse-abandonment.reminder'), products: [] };

    // Act
    const error = renderError('browse-abandonment.reminder', data);

    // Assess
    expect(error).toMatchObject({ kind: 'missing-variable', part: 'subject', variable: 'products.first' });
  });

  it('treats null like an absent value, so strict variables still catch it', () => {
    // Prepare
    const data = { ...sampleData('cart-abandonment.last-chance'), discount: null };

    // Act
    const error = renderError('cart-abandonment.last-chance', data);

    // Assess
    expect(error).toMatchObject({ kind: 'missing-variable', variable: 'discount' });
  });

  it('fails for marketing mail without an unsubscribe URL', () => {
    // Prepare
    const { unsubscribeUrl: _url, ...data } = sampleData('welcome.welcome');

    // Act
    const error = renderError('welcome.welcome', data);

    // Assess
    expect(error.kind).toBe('missing-unsubscribe-url');
    expect(error.message).toContain('welcome.welcome');
  });

  it('fails when the data calls marketing mail transactional, so the unsubscribe footer cannot be skipped', () => {
    // Prepare
    const data = { ...sampleData('post-purchase.cross-sell'), kind: 'transactional' as const };

    // Act
    const error = renderError('post-purchase.cross-sell', data);

    // Assess
    expect(error).toMatchObject({ kind: 'kind-mismatch', expected: 'marketing', actual: 'transactional' });
  });

  it.each([
    ['a script URL', { unsubscribeUrl: 'javascript:alert(1)' }, 'unsubscribeUrl'],
    [
      'an inexact amount',
      { products: [{ productId: 'p', name: 'P', price: { amount: '1.999', currency: 'USD' } }] },
      'products.0.price.amount',
    ],
    [
      'an unknown currency',
      { products: [{ productId: 'p', name: 'P', price: { amount: '1', currency: 'XYZ' } }] },
      'products.0.price.currency',
    ],
    [
      'a bad locale',
      { store: { ...sampleData('welcome.welcome').store, locale: 'not a locale' } },
      'store.locale',
    ],
  ])('fails for %s, naming the field', (_case, change, field) => {
    // Prepare
    const data = { ...sampleData('welcome.bestsellers'), ...change };

    // Act
    const error = renderError('welcome.bestsellers', data);

    // Assess
    expect(error).toMatchObject({ kind: 'invalid-data', field });
  });

  it('fails for a template id it does not know', () => {
    // Act
    const error = renderError('welcome.nope' as TemplateId, sampleData('welcome.welcome'));

    // Assess
    expect(error).toMatchObject({ kind: 'unknown-template', templateId: 'welcome.nope' });
  });

  it('formats money and dates in the store locale and time zone', () => {
    // Prepare
    const data = sampleData('cart-abandonment.last-chance');
    const store = { ...data.store, locale: 'de-DE', timeZone: 'Europe/Berlin' };
    const cart = {
      ...data.cart,
      checkoutUrl: 'https://shop.example/c',
      lines: [],
      total: { amount: '1234.5', currency: 'EUR' },
    };

    // Act
    const message = rendered('cart-abandonment.last-chance', { ...data, store, cart });

    // Assess
    expect(message.text).toContain('Total before discount: 1.234,50\u00a0€');
    expect(message.text).toContain('valid until 14. Juni 2026');
  });
});
