/**
 * Every rate of the simulated shoppers in one place, to read and tune. The defaults aim at a plausible
 * mid-size store: 10,000 customers send about 75,000–80,000 events and place about 3,600 orders
 * (≈ $100,000) in 30 days before any mail; mail reactions add to that.
 *
 * Who is who: a share of the shoppers is new and registers during the period (`customer.registered`,
 * which starts the welcome journey); the others already have an account, and the storefront syncs it
 * (`customer.updated` with name, time zone and consent) on their first visit in the period. Existing
 * loyal reorderers ran out of something before the start, so their first visit reorders a tea or coffee
 * at a random point within its reorder interval; no order history before the start is sent, because a
 * back-dated order would start post-purchase mail for it. With a 90-day dormancy, win-back therefore
 * only starts in runs longer than 90 days.
 */
import type { Category } from './synthetic-store.ts';

export const PERSONAS = ['browser', 'cart-abandoner', 'loyal-reorderer', 'one-off', 'lapsed'] as const;
export type PersonaId = (typeof PERSONAS)[number];

export interface PersonaBehaviour {
  /** Organic visits per day (a Poisson process); a visit is one session of a few events. */
  sessionsPerDay: number;
  /** Products viewed in a visit, both inclusive. */
  viewsPerSession: readonly [number, number];
  /** A visit puts something in the cart. */
  cartChance: number;
  /** A cart goes to checkout in the same visit. */
  checkoutChance: number;
  /** A started checkout becomes an order. */
  orderChance: number;
  /** A visit that finds an open cart from before goes straight to its checkout. */
  resumeCartChance: number;
  /** After buying a tea or coffee, the shopper buys it again around its interval; otherwise they lapse. */
  reorderChance: number;
  /** Orders after which visits no longer fill a cart by themselves (mail can still convert). */
  maxOrganicOrders: number;
  /** Share of views that go to the shopper's favourite category rather than the store at large. */
  categoryLoyalty: number;
  /** How likely each category is to be the favourite. */
  favouriteCategory: Readonly<Record<Category, number>>;
}

const TEA_AND_COFFEE = { tea: 5, coffee: 4, mugs: 1, teapots: 1, brewing: 1, gifts: 0 } as const;
const ANYTHING = { tea: 3, coffee: 3, mugs: 2, teapots: 1, brewing: 2, gifts: 1 } as const;

export const BEHAVIOUR = {
  /** Shoppers who register during the period; the rest already have an account. */
  newShopperShare: 0.15,
  /** Persona mix of existing and of new shoppers (relative weights). */
  personaWeights: {
    existing: { browser: 30, 'cart-abandoner': 15, 'loyal-reorderer': 20, 'one-off': 10, lapsed: 25 },
    new: { browser: 40, 'cart-abandoner': 25, 'loyal-reorderer': 5, 'one-off': 30, lapsed: 0 },
  } satisfies Record<'existing' | 'new', Record<PersonaId, number>>,
  personas: {
    browser: {
      sessionsPerDay: 0.12,
      viewsPerSession: [1, 4],
      cartChance: 0.12,
      checkoutChance: 0.3,
      orderChance: 0.75,
      resumeCartChance: 0.25,
      reorderChance: 0.3,
      maxOrganicOrders: 5,
      categoryLoyalty: 0.5,
      favouriteCategory: ANYTHING,
    },
    'cart-abandoner': {
      sessionsPerDay: 0.1,
      viewsPerSession: [1, 4],
      cartChance: 0.6,
      checkoutChance: 0.25,
      orderChance: 0.6,
      resumeCartChance: 0.2,
      reorderChance: 0.3,
      maxOrganicOrders: 3,
      categoryLoyalty: 0.5,
      favouriteCategory: ANYTHING,
    },
    'loyal-reorderer': {
      sessionsPerDay: 0.05,
      viewsPerSession: [1, 3],
      cartChance: 0.35,
      checkoutChance: 0.7,
      orderChance: 0.9,
      resumeCartChance: 0.6,
      reorderChance: 0.8,
      maxOrganicOrders: 10,
      categoryLoyalty: 0.8,
      favouriteCategory: TEA_AND_COFFEE,
    },
    'one-off': {
      sessionsPerDay: 0.06,
      viewsPerSession: [1, 4],
      cartChance: 0.35,
      checkoutChance: 0.55,
      orderChance: 0.85,
      resumeCartChance: 0.4,
      reorderChance: 0.1,
      maxOrganicOrders: 1,
      categoryLoyalty: 0.5,
      favouriteCategory: ANYTHING,
    },
    lapsed: {
      sessionsPerDay: 0.01,
      viewsPerSession: [1, 2],
      cartChance: 0.15,
      checkoutChance: 0.3,
      orderChance: 0.7,
      resumeCartChance: 0.2,
      reorderChance: 0.05,
      maxOrganicOrders: 1,
      categoryLoyalty: 0.5,
      favouriteCategory: ANYTHING,
    },
  } satisfies Record<PersonaId, PersonaBehaviour>,
  /** Marketing e-mail consent given at sign-up (or on the synced account). */
  marketingConsentRate: 0.7,
  /** Addresses at SES's mailbox simulator, which bounce or complain every mail. */
  simulatorAddressShare: { bounce: 0.01, complaint: 0.001 },
  emailDomain: 'shoppers.example',
  firstNames: [
    'Ada',
    'Ben',
    'Chloe',
    'Dev',
    'Elena',
    'Finn',
    'Grace',
    'Hiro',
    'Ines',
    'Jonas',
    'Kemi',
    'Liam',
    'Maya',
    'Noah',
    'Olga',
    'Priya',
    'Quinn',
    'Rosa',
    'Sam',
    'Tariq',
    'Uma',
    'Victor',
    'Wen',
    'Yusuf',
    'Zoe',
  ],
  /**
   * Where shoppers live: [IANA zone, weight, standard UTC offset in minutes, locale]. Visits follow local
   * daytime by the standard offset; being an hour off in summer changes nothing that matters here.
   */
  timeZones: [
    ['America/New_York', 28, -300, 'en-US'],
    ['America/Chicago', 14, -360, 'en-US'],
    ['America/Denver', 5, -420, 'en-US'],
    ['America/Los_Angeles', 16, -480, 'en-US'],
    ['America/Toronto', 4, -300, 'en-CA'],
    ['Europe/London', 10, 0, 'en-GB'],
    ['Europe/Berlin', 9, 60, 'de-DE'],
    ['Europe/Paris', 5, 60, 'fr-FR'],
    ['Asia/Tokyo', 4, 540, 'ja-JP'],
    ['Australia/Sydney', 5, 600, 'en-AU'],
  ] as const satisfies readonly (readonly [string, number, number, string])[],
  /** Relative chance of a visit starting in each local hour, 0–23: lunch and evening peaks. */
  localHourWeights: [1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 4, 4, 5, 6, 5, 4, 4, 4, 5, 6, 8, 9, 8, 5, 2],
  /** Seconds between two events of one visit (log-normal); at least one tick apart in any case. */
  eventGap: { medianSeconds: 75, sigma: 0.6 },
  cart: {
    /** A cart gets a second product. */
    secondLineChance: 0.3,
    /** Quantity of a line (relative weights). */
    quantityWeights: { 1: 75, 2: 20, 3: 5 },
    /** An open cart untouched this long is forgotten: the next cart gets a new id. */
    forgetAfterDays: 7,
  },
  /** Hours from order to shipping (log-normal). */
  fulfilment: { medianHours: 30, sigma: 0.5 },
  /** Orders cancelled instead of shipped, and hours from order to cancellation (log-normal). */
  cancellation: { chance: 0.03, medianHours: 3, sigma: 0.8 },
  /** The organic reorder comes after interval × factor, factor log-normal around the median. */
  reorder: { intervalFactorMedian: 1, intervalFactorSigma: 0.15 },
  mail: {
    /** Minutes from send to open, from open to click, and from click to the visit it leads to. */
    openDelay: { medianMinutes: 120, sigma: 1.1 },
    clickDelay: { medianMinutes: 1.5, sigma: 0.8 },
    visitDelay: { medianMinutes: 1, sigma: 0.5 },
    /**
     * Per journey (and `journey.step` to override): opened, clicked when opened, and bought in the visit
     * a click leads to. What is bought follows the mail: the open cart, the last viewed product, the
     * product to replenish, otherwise something the shopper likes.
     */
    rates: {
      default: { open: 0.3, click: 0.1, purchase: 0.1 },
      welcome: { open: 0.55, click: 0.2, purchase: 0.2 },
      'welcome.firstOrderIncentive': { open: 0.5, click: 0.25, purchase: 0.35 },
      'browse-abandonment': { open: 0.35, click: 0.15, purchase: 0.25 },
      'cart-abandonment': { open: 0.45, click: 0.25, purchase: 0.45 },
      'post-purchase': { open: 0.35, click: 0.1, purchase: 0 },
      'post-purchase.orderConfirmation': { open: 0.7, click: 0.1, purchase: 0 },
      'post-purchase.crossSell': { open: 0.3, click: 0.12, purchase: 0.2 },
      replenishment: { open: 0.45, click: 0.3, purchase: 0.6 },
      'win-back': { open: 0.25, click: 0.1, purchase: 0.3 },
    } satisfies Record<string, MailRates>,
  },
} as const;

export interface MailRates {
  open: number;
  click: number;
  purchase: number;
}

export function personaBehaviour(persona: PersonaId): PersonaBehaviour {
  return BEHAVIOUR.personas[persona];
}

/** The rates for one mail: the step's own, else the journey's, else the default. */
export function mailRates(journey: string, step: string): MailRates {
  const rates: Readonly<Record<string, MailRates>> = BEHAVIOUR.mail.rates;
  return rates[`${journey}.${step}`] ?? rates[journey] ?? BEHAVIOUR.mail.rates.default;
}
