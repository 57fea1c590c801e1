import { randomUUID } from 'node:crypto';

/** Sample storefront events in our own schema, for `journeys send` and the quick start. */
export const SAMPLE_KINDS = ['signup', 'view', 'cart', 'checkout', 'order'] as const;
export type SampleKind = (typeof SAMPLE_KINDS)[number];

export function sampleEvent(kind: SampleKind, who: { customerId: string; email: string }, at = new Date()) {
  const base = { id: randomUUID(), occurredAt: at.toISOString(), identity: who };
  const line = {
    productId: 'tea-sencha-100g',
    sku: 'TEA-SEN-100',
    name: 'Sencha green tea, 100 g',
    category: 'tea',
    price: { amount: '12.50', currency: 'USD' },
    url: 'https://shop.example.com/products/sencha',
    quantity: 2,
  };
  const total = { amount: '25.00', currency: 'USD' };
  switch (kind) {
    case 'signup':
      return {
        ...base,
        type: 'customer.registered',
        data: {
          attributes: { firstName: 'Sam', timeZone: 'Europe/Berlin', locale: 'en-GB' },
          consent: [
            { channel: 'email', status: 'granted', source: 'signup-form', recordedAt: at.toISOString() },
          ],
        },
      };
    case 'view': {
      const { quantity: _quantity, ...product } = line;
      return { ...base, type: 'product.viewed', data: { product } };
    }
    case 'cart':
      return { ...base, type: 'cart.updated', data: { cartId: 'cart-sample', lines: [line], total } };
    case 'checkout':
      return {
        ...base,
        type: 'checkout.started',
        data: { checkoutId: 'chk-sample', cartId: 'cart-sample', lines: [line], total },
      };
    case 'order':
      return {
        ...base,
        type: 'order.placed',
        data: { orderId: `order-${randomUUID().slice(0, 8)}`, cartId: 'cart-sample', lines: [line], total },
      };
  }
}
