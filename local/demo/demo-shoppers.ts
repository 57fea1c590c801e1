import { randomUUID } from 'node:crypto';

interface Shopper {
  customerId: string;
  email: string;
  firstName: string;
  timeZone: string;
}

const SHOPPERS: Shopper[] = [
  { customerId: 'demo-ana', email: 'ana@example.com', firstName: 'Ana', timeZone: 'Europe/Berlin' },
  { customerId: 'demo-ben', email: 'ben@example.com', firstName: 'Ben', timeZone: 'America/New_York' },
  { customerId: 'demo-cleo', email: 'cleo@example.com', firstName: 'Cleo', timeZone: 'Asia/Tokyo' },
  { customerId: 'demo-dev', email: 'dev@example.com', firstName: 'Dev', timeZone: 'America/Los_Angeles' },
];

const price = (amount: string) => ({ amount, currency: 'USD' });
const SENCHA = {
  productId: 'tea-sencha-100g',
  name: 'Sencha green tea, 100 g',
  category: 'tea',
  price: price('12.50'),
  url: 'https://demo-store.example/products/sencha',
};
const MUG = {
  productId: 'mug-stoneware',
  name: 'Stoneware mug',
  category: 'mugs',
  price: price('18.00'),
  url: 'https://demo-store.example/products/mug',
};

/**
 * A few simulated shoppers for `npm start`: they sign up, browse, abandon a cart and order, so a
 * newcomer watches welcome, browse, cart, order and replenishment journeys send into the local inbox.
 * Events go through the public API exactly as a storefront's would.
 */
export async function runDemoShoppers(options: {
  httpUrl: string;
  apiKey: string;
  /** Virtual "now" of the runtime, so event times line up with the journeys' clock. */
  now: () => number;
  log: (line: string) => void;
}): Promise<void> {
  const at = () => new Date(options.now()).toISOString();
  const post = async (events: unknown[]) => {
    const response = await fetch(`${options.httpUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${options.apiKey}` },
      body: JSON.stringify({ events }),
    });
    if (!response.ok) options.log(`demo: the API answered ${response.status}: ${await response.text()}`);
  };
  const event = (shopper: Shopper, type: string, data: unknown) => ({
    id: randomUUID(),
    type,
    occurredAt: at(),
    identity: { customerId: shopper.customerId, email: shopper.email },
    data,
  });
  const signUp = (shopper: Shopper) =>
    event(shopper, 'customer.registered', {
      attributes: { firstName: shopper.firstName, timeZone: shopper.timeZone },
      consent: [{ channel: 'email', status: 'granted', source: 'demo-signup-form', recordedAt: at() }],
    });
  const [ana, ben, cleo, dev] = SHOPPERS as [Shopper, Shopper, Shopper, Shopper];

  options.log('demo: four shoppers sign up (welcome journeys start)');
  await post(SHOPPERS.map(signUp));
  options.log('demo: Ben browses tea and mugs (browse abandonment in ~2 h)');
  await post([
    event(ben, 'product.viewed', { product: SENCHA }),
    event(ben, 'product.viewed', { product: MUG }),
  ]);
  options.log('demo: Cleo leaves a cart (reminders after ~1 h, 24 h, 72 h)');
  await post([
    event(cleo, 'cart.updated', {
      cartId: 'demo-cart-cleo',
      lines: [{ ...SENCHA, quantity: 2 }],
      total: price('25.00'),
    }),
  ]);
  options.log('demo: Dev orders tea (confirmation now, reorder reminder before it runs out)');
  const orderId = `demo-order-${randomUUID().slice(0, 8)}`;
  await post([
    event(dev, 'order.placed', { orderId, lines: [{ ...SENCHA, quantity: 1 }], total: price('12.50') }),
  ]);
  await post([event(dev, 'order.fulfilled', { orderId })]);
  options.log('demo: Ana adds a mug to her cart and orders within the hour (no cart reminder)');
  await post([
    event(ana, 'cart.updated', {
      cartId: 'demo-cart-ana',
      lines: [{ ...MUG, quantity: 1 }],
      total: price('18.00'),
    }),
  ]);
  await post([
    event(ana, 'order.placed', {
      orderId: `demo-order-${randomUUID().slice(0, 8)}`,
      cartId: 'demo-cart-ana',
      lines: [{ ...MUG, quantity: 1 }],
      total: price('18.00'),
    }),
  ]);
}
