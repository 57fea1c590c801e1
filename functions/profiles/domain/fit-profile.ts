/**
 * Keeps a profile far below DynamoDB's 400 KB item limit whatever arrives. Two layers: fixed bounds
 * on every list, key count and stored text (cheap, always applied), then a measured pass that, for a
 * profile still over `PROFILE_LIMITS.itemBytes` (only with maximal inputs: hundreds of orders with
 * long lines, carts of long links), folds the oldest orders into the archive's sums and drops the
 * least useful display data first. Facts that decide journeys — consent, identity, order sums — are
 * never dropped.
 */
import { addAmounts } from '#events/money.ts';
import { archiveOrder, emptyArchive } from './orders.ts';
import { type Cart, type OrderRecord, PROFILE_LIMITS, type ProductView, type Profile } from './profile.ts';

/** Names, categories and skus as the profile keeps them. */
export function storedText(value: string): string {
  return value.length <= PROFILE_LIMITS.text ? value : value.slice(0, PROFILE_LIMITS.text);
}

/** Links longer than the bound are not kept (a mail then links to the store instead). */
function storedUrl(value: string | undefined): string | undefined {
  return value !== undefined && value.length <= PROFILE_LIMITS.url ? value : undefined;
}

/** How much room the profile takes, measured as the bytes of its JSON (above DynamoDB's own count). */
export function profileBytes(profile: Profile): number {
  return Buffer.byteLength(JSON.stringify(profile));
}

/** Bounds the profile in place; see the module comment. */
export function fitProfile(profile: Profile): Profile {
  applyFixedBounds(profile);
  if (profileBytes(profile) > PROFILE_LIMITS.itemBytes) shrinkToBudget(profile);
  return profile;
}

function applyFixedBounds(profile: Profile): void {
  profile.recentViews = profile.recentViews.slice(0, PROFILE_LIMITS.recentViews).map(boundedItem);
  if (profile.cart !== undefined) profile.cart = boundedCart(profile.cart);
  for (const order of Object.values(profile.orders)) boundOrder(order);
  archiveOldestOrders(profile, PROFILE_LIMITS.orders);
  profile.anonymousIds = profile.anonymousIds.slice(-PROFILE_LIMITS.anonymousIds);
  profile.aliasKeys = profile.aliasKeys.slice(-PROFILE_LIMITS.aliasKeys);
  profile.mergedKeys = profile.mergedKeys.slice(-PROFILE_LIMITS.mergedKeys);
  profile.appliedEventIds = profile.appliedEventIds.slice(-PROFILE_LIMITS.appliedEventIds);
  const categories = Object.entries(profile.categoryAffinity);
  if (categories.length > PROFILE_LIMITS.categories) {
    // The strongest interests stay; ties go to the name, so every replica keeps the same ones.
    categories.sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
    profile.categoryAffinity = Object.fromEntries(categories.slice(0, PROFILE_LIMITS.categories));
  }
  if (profile.archivedOrders !== undefined && profile.archivedOrders.idHashes.length > MAX_ARCHIVED_IDS) {
    profile.archivedOrders.idHashes = profile.archivedOrders.idHashes.slice(-MAX_ARCHIVED_IDS);
  }
}

/** Enough to recognise repeats of a long history's recent orders (12 characters each). */
const MAX_ARCHIVED_IDS = 2_000;

function boundedItem<
  T extends Pick<ProductView, 'name' | 'category' | 'url' | 'imageUrl'> & { sku?: string },
>(item: T): T {
  const { name, category, sku, url, imageUrl, ...rest } = item;
  const keptUrl = storedUrl(url);
  const keptImage = storedUrl(imageUrl);
  return {
    ...rest,
    ...(name !== undefined && { name: storedText(name) }),
    ...(category !== undefined && { category: storedText(category) }),
    ...(sku !== undefined && { sku: storedText(sku) }),
    ...(keptUrl !== undefined && { url: keptUrl }),
    ...(keptImage !== undefined && { imageUrl: keptImage }),
  } as T;
}

function boundedCart(cart: Cart): Cart {
  const recoveryUrl = storedUrl(cart.recoveryUrl);
  const { recoveryUrl: _url, ...rest } = cart;
  return {
    ...rest,
    ...(recoveryUrl !== undefined && { recoveryUrl }),
    lines: cart.lines.slice(0, PROFILE_LIMITS.cartLines).map(boundedItem),
  };
}

function boundOrder(order: OrderRecord): void {
  if (order.lines !== undefined && order.lines.length > PROFILE_LIMITS.orderLines)
    order.lines = order.lines.slice(0, PROFILE_LIMITS.orderLines);
  const refunds = Object.entries(order.refunds ?? {});
  if (refunds.length <= PROFILE_LIMITS.refundsPerOrder) return;
  // The newest refund ids stay apart (a repeat of one counts once); the older ones are summed per
  // currency under one entry each, so revenue stays exact.
  refunds.sort(([a], [b]) => (a < b ? -1 : 1));
  const keptApart = refunds.slice(-(PROFILE_LIMITS.refundsPerOrder - 3));
  const sums: Record<string, string> = {};
  for (const [, money] of refunds.slice(0, refunds.length - keptApart.length)) {
    sums[money.currency] = addAmounts(sums[money.currency] ?? '0', money.amount, money.currency);
  }
  order.refunds = Object.fromEntries([
    ...Object.entries(sums).map(([currency, amount]) => [
      `earlier-refunds:${currency}`,
      { amount, currency },
    ]),
    ...keptApart,
  ]);
}

/** The order's place in time: its placement, else the latest thing known of it. */
function orderTime(order: OrderRecord): string {
  return order.placedAt ?? order.updatedAt ?? order.fulfilledAt ?? order.cancelledAt ?? '';
}

/** Folds all but the `keep` most recent orders into the archive. */
function archiveOldestOrders(profile: Profile, keep: number): void {
  const entries = Object.entries(profile.orders);
  if (entries.length <= keep) return;
  entries.sort(([a, x], [b, y]) => orderTime(x).localeCompare(orderTime(y)) || (a < b ? -1 : 1));
  let archive = profile.archivedOrders ?? emptyArchive();
  for (const [orderId, order] of entries.slice(0, entries.length - keep)) {
    archive = archiveOrder(archive, orderId, order);
  }
  profile.archivedOrders = archive;
  profile.orders = Object.fromEntries(entries.slice(entries.length - keep));
}

/**
 * Only maximal inputs get here. Steps in order of what a store would miss least: older orders' detail
 * (their sums stay in the archive), older product views, links on cart lines, cart lines beyond ten,
 * the last orders' detail. Each step says whether it changed anything, so the loop always ends.
 */
function shrinkToBudget(profile: Profile): void {
  const orderCount = () => Object.keys(profile.orders).length;
  const steps: Array<() => boolean> = [
    () => {
      if (orderCount() <= 10) return false;
      archiveOldestOrders(profile, Math.max(10, Math.floor(orderCount() / 2)));
      return true;
    },
    () => {
      if (profile.recentViews.length <= 5) return false;
      profile.recentViews = profile.recentViews.slice(0, 5);
      return true;
    },
    () => {
      const cart = profile.cart;
      if (
        cart === undefined ||
        !cart.lines.some((line) => line.url !== undefined || line.imageUrl !== undefined)
      )
        return false;
      cart.lines = cart.lines.map(({ url: _url, imageUrl: _image, ...line }) => line);
      return true;
    },
    () => {
      const cart = profile.cart;
      if (cart === undefined || cart.lines.length <= 10) return false;
      cart.lines = cart.lines.slice(0, 10);
      return true;
    },
    () => {
      if (orderCount() === 0) return false;
      archiveOldestOrders(profile, 0);
      return true;
    },
  ];
  for (const step of steps) {
    while (profileBytes(profile) > PROFILE_LIMITS.itemBytes) {
      if (!step()) break;
    }
  }
}
