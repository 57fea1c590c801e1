import { assertUnreachable } from '#shared/errors.ts';
import { kindOf, type TemplateId } from './template-catalog.ts';
import type { TemplateData, TemplateProduct } from './template-data.ts';

/**
 * Realistic data for each template, for previews and tests. The store's name and address carry `&`
 * and an apostrophe so escaping shows up in every preview.
 */

const STORE_URL = 'https://juniper-and-oak.example';
const IMAGES = 'https://cdn.juniper-and-oak.example/products';

const store: TemplateData['store'] = {
  name: 'Juniper & Oak',
  senderName: "Maya at Juniper & Oak's studio",
  postalAddress: 'Juniper & Oak Goods LLC, 210 Alder Street, Suite 4, Portland, OR 97204, USA',
  url: STORE_URL,
  locale: 'en-US',
  timeZone: 'America/Los_Angeles',
};

const customer: TemplateData['customer'] = { email: 'sam.rivera@example.com', firstName: 'Sam' };

function product(productId: string, name: string, amount: string, quantity?: number): TemplateProduct {
  return {
    productId,
    name,
    url: `${STORE_URL}/products/${productId}`,
    imageUrl: `${IMAGES}/${productId}.jpg`,
    price: { amount, currency: 'USD' },
    ...(quantity !== undefined && { quantity }),
  };
}

const mug = product('stoneware-mug-sage', 'Stoneware Mug, Sage', '24.00');
const towels = product('linen-tea-towels', 'Linen Tea Towel Set of 2', '32.50');
const candle = product('cedar-candle', 'Hand-poured Candle, Cedar & Smoke', '28.00');
const board = product('walnut-serving-board', 'Walnut Serving Board', '64.00');
const pourOver = product('ceramic-pour-over', 'Ceramic Pour-Over Dripper', '38.00');
const coffee = product('morning-ritual-coffee', 'Morning Ritual Coffee Beans, 12 oz', '18.50');
const filters = product('paper-filters-100', 'Unbleached Paper Filters, 100 pack', '7.50');

const discount = (code: string, percentOff: number): TemplateData['discount'] => ({
  code,
  percentOff,
  expiresAt: '2026-06-14T06:59:59Z',
});

const cart: TemplateData['cart'] = {
  lines: [
    { ...mug, quantity: 2 },
    { ...candle, quantity: 1 },
  ],
  total: { amount: '76.00', currency: 'USD' },
  checkoutUrl: `${STORE_URL}/cart/c-7f3a9`,
};

const order: TemplateData['order'] = {
  orderId: '#1042',
  lines: [
    { ...pourOver, quantity: 1 },
    { ...coffee, quantity: 2 },
  ],
  total: { amount: '75.00', currency: 'USD' },
  placedAt: '2026-05-28T17:42:00Z',
};

/** Data that renders `templateId` as a store would send it. */
export function sampleData(templateId: TemplateId): TemplateData {
  const base: TemplateData = {
    kind: kindOf(templateId),
    store,
    customer,
    ...(kindOf(templateId) === 'marketing' && {
      unsubscribeUrl: `${STORE_URL}/email/unsubscribe?token=u7Qm2xKp&list=marketing`,
    }),
  };
  switch (templateId) {
    case 'welcome.welcome':
      return { ...base, products: [board, mug, candle] };
    case 'welcome.bestsellers':
      return { ...base, products: [mug, candle, towels, board] };
    case 'welcome.first-order-incentive':
      return { ...base, discount: discount('WELCOME-K7Q2', 10), products: [mug, candle] };
    case 'browse-abandonment.reminder':
      return { ...base, products: [board, towels, mug], related: [candle] };
    case 'cart-abandonment.reminder-1':
    case 'cart-abandonment.reminder-2':
      return { ...base, cart };
    case 'cart-abandonment.last-chance':
      return { ...base, cart, discount: discount('CART15-9XW4RT', 15) };
    case 'post-purchase.order-confirmation':
      return { ...base, order };
    case 'post-purchase.review-request':
      return { ...base, order };
    case 'post-purchase.cross-sell':
      return { ...base, order, products: [filters, mug, coffee] };
    case 'replenishment.reorder-reminder':
      return { ...base, products: [{ ...coffee, quantity: 2 }] };
    case 'win-back.we-miss-you':
      return { ...base, products: [towels, board, pourOver] };
    case 'win-back.incentive':
      return { ...base, discount: discount('BACK20-M3PZ', 20), products: [candle, towels] };
    default:
      return assertUnreachable(templateId);
  }
}
