/**
 * What a send node's template can show, the same for every journey: the store and customer, the
 * customer's cart, the trigger's order, a discount when the node has one, and the product lists the
 * node names in `send.data` (`recentViews`, `related`, `orderProducts`, `replenishable`,
 * `favouritePicks`): data a marketer picks in the definition, never a branch on the journey.
 */
import { createHmac } from 'node:crypto';
import type { CanonicalEvent, Line } from '#events/schemas.ts';
import type { TemplateData, TemplateProduct } from '#messaging/rendering/template-data.ts';
import type { ProductView, Profile } from '#profiles/domain/profile.ts';
import { derivedKey } from '#shared/derived-key.ts';
import type { StoreRecord } from '#stores/store-record.ts';
import type { CatalogConfig } from '../config/catalog-config.ts';
import { replenishableLines } from './facts.ts';

const DAY_MS = 86_400_000;
const SHOWN = 3;

export const PRODUCT_LISTS = [
  'recentViews',
  'related',
  'orderProducts',
  'replenishable',
  'favouritePicks',
] as const;
export type ProductList = (typeof PRODUCT_LISTS)[number];

export interface SendContext {
  journeyId: string;
  subjectKey: string;
  kind: 'marketing' | 'transactional';
  store: StoreRecord;
  profile: Profile | undefined;
  email: string;
  trigger: CanonicalEvent;
  now: Date;
  catalog: CatalogConfig;
  data: readonly string[];
  discount?: { percentOff: number; validityDays: number };
}

export function sendTemplateData(context: SendContext): Omit<TemplateData, 'unsubscribeUrl'> {
  const { store, profile, trigger } = context;
  const storeUrl = store.storeUrl ?? 'https://example.com';
  const views = (profile?.recentViews ?? []).map(productOfView);
  const lists: Record<ProductList, () => TemplateProduct[]> = {
    recentViews: () => views.slice(0, SHOWN),
    related: () => {
      const shown = views.slice(0, SHOWN);
      return views
        .slice(shown.length)
        .filter((view) => shown.some((seen) => sameCategory(profile, seen, view)))
        .slice(0, 1);
    },
    orderProducts: () =>
      trigger.type === 'order.placed'
        ? trigger.data.lines
            .map(productOfLine)
            .filter((line) => line.productId !== undefined)
            .slice(0, SHOWN)
        : [],
    replenishable: () =>
      replenishableLines(trigger, context.catalog).map((line) => ({
        productId: line.productId,
        name: line.name ?? line.productId,
      })),
    favouritePicks: () => {
      const favourite = favouriteCategory(profile);
      return views
        .filter((view) => favourite === undefined || categoryOf(profile, view.productId) === favourite)
        .slice(0, SHOWN);
    },
  };
  const wanted = context.data.filter((name): name is ProductList =>
    (PRODUCT_LISTS as readonly string[]).includes(name),
  );
  const related = wanted.includes('related') ? lists.related() : [];
  const products = wanted.filter((name) => name !== 'related').flatMap((name) => lists[name]());
  const cart = profile?.cart;
  return {
    kind: context.kind,
    store: {
      name: store.name,
      senderName: store.senderName ?? store.name,
      postalAddress: store.postalAddress ?? '',
      url: storeUrl,
      ...(store.locale && { locale: store.locale }),
      timeZone: store.timeZone,
    },
    customer: {
      email: context.email,
      ...(profile?.attributes.firstName && { firstName: profile.attributes.firstName }),
    },
    ...(products.length > 0 && { products }),
    ...(related.length > 0 && { related }),
    ...(cart !== undefined && {
      cart: {
        lines: cart.lines.map(productOfLine),
        ...(cart.total && { total: cart.total }),
        // The store's own recovery link restores the very checkout (Shopify's abandoned_checkout_url).
        checkoutUrl: cart.recoveryUrl ?? `${storeUrl.replace(/\/$/, '')}/cart`,
      },
    }),
    ...(trigger.type === 'order.placed' && {
      order: {
        orderId: trigger.data.orderId,
        lines: trigger.data.lines.map(productOfLine),
        total: trigger.data.total,
        placedAt: new Date(trigger.occurredAt).toISOString(),
      },
    }),
    ...(context.discount && { discount: discountFor(context, context.discount) }),
  };
}

/** Labels the discount key, so it is derived from the signing key for this use alone. */
const DISCOUNT_KEY_INFO = 'storefront-journeys discount code v1';

/**
 * A code derived from (store, journey, subject): the same run always shows the same code, so a
 * retried send cannot hand out a second one. Keyed by the store's signing key (HMAC), so nobody who
 * knows the scheme can compute a code for a cart of their own. The store's shop system must create
 * codes with this pattern (or accept them through its discount API).
 */
function discountFor(context: SendContext, discount: { percentOff: number; validityDays: number }) {
  const signingKey = context.store.unsubscribeSigningKey;
  if (signingKey === undefined)
    throw new Error(`store ${context.store.storeId} has no signing key for discount codes`);
  const hash = createHmac('sha256', derivedKey(signingKey, DISCOUNT_KEY_INFO))
    .update(`${context.store.storeId}:${context.journeyId}:${context.subjectKey}`)
    .digest('hex')
    .slice(0, 10)
    .toUpperCase();
  const prefix = (context.journeyId.split('-')[0] ?? 'CODE').toUpperCase().slice(0, 10);
  return {
    code: `${prefix}-${hash}`,
    percentOff: discount.percentOff,
    expiresAt: new Date(context.now.getTime() + discount.validityDays * DAY_MS).toISOString(),
  };
}

function productOfView(view: ProductView): TemplateProduct {
  return {
    productId: view.productId,
    name: view.name ?? view.productId,
    ...(view.url && { url: view.url }),
    ...(view.imageUrl && { imageUrl: view.imageUrl }),
    ...(view.price && { price: view.price }),
  };
}

/** Every line of a cart or order, products or not: the mail accounts for the whole order. */
function productOfLine(line: Line): TemplateProduct {
  return {
    ...(line.productId !== undefined && { productId: line.productId }),
    name: line.name ?? line.sku ?? line.productId ?? 'Item',
    ...(line.url && { url: line.url }),
    ...(line.imageUrl && { imageUrl: line.imageUrl }),
    ...(line.price && { price: line.price }),
    quantity: line.quantity,
  };
}

function categoryOf(profile: Profile | undefined, productId: string | undefined): string | undefined {
  if (productId === undefined) return undefined;
  return profile?.recentViews.find((view) => view.productId === productId)?.category;
}

function sameCategory(profile: Profile | undefined, a: TemplateProduct, b: TemplateProduct): boolean {
  const category = categoryOf(profile, a.productId);
  return category !== undefined && category === categoryOf(profile, b.productId);
}

function favouriteCategory(profile: Profile | undefined): string | undefined {
  const ranked = Object.entries(profile?.categoryAffinity ?? {}).sort(([, a], [, b]) => b - a);
  return ranked[0]?.[0];
}
