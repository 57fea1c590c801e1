/**
 * Who to tell when a product's price drops or it is back in stock: the customers who viewed, carted
 * or wishlisted it lately. Each product keeps its most recent interested customers (one entry per
 * customer, the latest interest wins), bounded, so a popular product's item stays small; the
 * customers who bought it since their interest are left out when the change comes.
 */

export const INTEREST_KINDS = ['viewed', 'carted', 'wishlisted'] as const;
export type InterestKind = (typeof INTEREST_KINDS)[number];

export interface Interest {
  customerKey: string;
  kind: InterestKind;
  at: string;
}

export interface ProductInterest {
  productId: string;
  /** Newest first, one per customer. */
  interests: Interest[];
}

/** Customers kept per product. */
export const MAX_INTERESTED = 500;

/** The product's interest after a customer showed one (an older interest of theirs is replaced). */
export function withInterest(
  current: ProductInterest,
  interest: Interest,
  max = MAX_INTERESTED,
): ProductInterest {
  const previous = current.interests.find((kept) => kept.customerKey === interest.customerKey);
  if (previous !== undefined && Date.parse(previous.at) > Date.parse(interest.at)) return current;
  const others = current.interests.filter((kept) => kept.customerKey !== interest.customerKey);
  const interests = [interest, ...others].sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).slice(0, max);
  return { ...current, interests };
}

/**
 * The customers to tell about a change at `now`: interested within `windowDays` before it, with a
 * kind the journey asks for, and not bought since their interest (`lastBoughtAt` gives when a
 * customer last bought the product, if ever).
 */
export function audienceFor(
  interest: ProductInterest,
  options: {
    now: Date;
    windowDays: number;
    kinds?: readonly InterestKind[];
    lastBoughtAt: (customerKey: string) => string | undefined;
  },
): Interest[] {
  const since = options.now.getTime() - options.windowDays * 24 * 60 * 60 * 1000;
  const kinds = new Set(options.kinds ?? INTEREST_KINDS);
  return interest.interests.filter((candidate) => {
    const at = Date.parse(candidate.at);
    if (at < since || at > options.now.getTime() || !kinds.has(candidate.kind)) return false;
    const bought = options.lastBoughtAt(candidate.customerKey);
    return bought === undefined || Date.parse(bought) < at;
  });
}
