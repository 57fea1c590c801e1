import { createHash } from 'node:crypto';
import type { CanonicalEvent, Line } from '#events/schemas.ts';
import type { TemplateData, TemplateProduct } from '#messaging/rendering/template-data.ts';
import type { ProductView, Profile } from '#profiles/domain/profile.ts';
import type { StoreRecord } from '#stores/store-record.ts';
import type { CatalogConfig } from '../config/catalog-config.ts';
import type { Discount, JourneyId } from '../config/journey-schema.ts';
import { replenishableLines } from './exit-conditions.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface MessageContext {
  journey: JourneyId;
  step: string;
  subjectKey: string;
  kind: 'marketing' | 'transactional';
  store: StoreRecord;
  profile: Profile | undefined;
  email: string;
  trigger: CanonicalEvent;
  now: Date;
  catalog: CatalogConfig;
  /** The journey's discount, for incentive steps. */
  discount?: Discount;
  browseMaxProducts?: number;
}

/** Everything a journey's template can show, from the profile and the event that started the run. */
export function templateDataFor(context: MessageContext): Omit<TemplateData, 'unsubscribeUrl'> {
  const { store, profile, trigger, journey, step } = context;
  const storeUrl = store.storeUrl ?? 'https://example.com';
  const base = {
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
  };
  const views = (profile?.recentViews ?? []).map(productOfView);
  const discount = context.discount && isIncentive(step) ? discountFor(context, context.discount) : undefined;
  switch (journey) {
    case 'welcome':
      return {
        ...base,
        ...(step === 'bestsellers' && views.length > 0 && { products: views.slice(0, 3) }),
        ...(discount && { discount }),
      };
    case 'browse-abandonment': {
      const shown = views.slice(0, context.browseMaxProducts ?? 3);
      const related = views
        .slice(shown.length)
        .filter((view) => shown.some((seen) => sameCategory(profile, seen, view)));
      return { ...base, products: shown, ...(related.length > 0 && { related: related.slice(0, 1) }) };
    }
    case 'cart-abandonment': {
      const cart = profile?.cart;
      return {
        ...base,
        cart: {
          lines: (cart?.lines ?? []).map(productOfLine),
          ...(cart?.total && { total: cart.total }),
          // The store's own recovery link restores the very checkout (Shopify's abandoned_checkout_url).
          checkoutUrl: cart?.recoveryUrl ?? `${storeUrl.replace(/\/$/, '')}/cart`,
        },
        ...(discount && { discount }),
      };
    }
    case 'post-purchase': {
      if (trigger.type !== 'order.placed') return base;
      const lines = trigger.data.lines.map(productOfLine);
      const order = {
        orderId: trigger.data.orderId,
        lines,
        total: trigger.data.total,
        placedAt: new Date(trigger.occurredAt).toISOString(),
      };
      const products = lines.filter((line) => line.productId !== undefined).slice(0, 3);
      return { ...base, order, ...(step !== 'order-confirmation' && { products }) };
    }
    case 'replenishment':
      return {
        ...base,
        products: replenishableLines(trigger, context.catalog).map((line) => ({
          productId: line.productId,
          name: line.name ?? line.productId,
        })),
      };
    case 'win-back': {
      const favourite = favouriteCategory(profile);
      const picks = views.filter(
        (view) => favourite === undefined || categoryOf(profile, view.productId) === favourite,
      );
      return {
        ...base,
        ...(picks.length > 0 && { products: picks.slice(0, 3) }),
        ...(discount && { discount }),
      };
    }
  }
}

const isIncentive = (step: string) => ['first-order-incentive', 'last-chance', 'incentive'].includes(step);

/**
 * A code derived from (store, journey, subject): the same run always shows the same code, so a
 * retried send cannot hand out a second one. The store's shop system must create codes with this
 * pattern (or accept them through its discount API); issuing them there is not built yet.
 */
function discountFor(context: MessageContext, discount: Discount) {
  const hash = createHash('sha256')
    .update(`${context.store.storeId}:${context.journey}:${context.subjectKey}`)
    .digest('hex')
    .slice(0, 8)
    .toUpperCase();
  return {
    code: `${context.journey === 'cart-abandonment' ? 'CART' : context.journey === 'welcome' ? 'WELCOME' : 'BACK'}-${hash}`,
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
