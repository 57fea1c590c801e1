/** Who each simulated shopper is: derived from (seed, number) alone, so it never depends on the others. */
import { BEHAVIOUR, type PersonaId } from './behaviour.ts';
import { forkRandom, type Seed } from './random.ts';
import { CATEGORIES, type Category } from './synthetic-store.ts';

export interface Shopper {
  /** 1-based. */
  number: number;
  customerId: string;
  /** Lower case; unique per shopper (simulator addresses carry the customer id as their label). */
  email: string;
  /** What SES's mailbox simulator does with mail to this address. */
  mailbox: 'inbox' | 'bounce' | 'complaint';
  firstName: string;
  timeZone: string;
  /** Standard offset of the time zone, for placing visits in local daytime. */
  utcOffsetMinutes: number;
  locale: string;
  persona: PersonaId;
  /** Registers during the period; otherwise an existing account. */
  isNew: boolean;
  marketingConsent: boolean;
  favouriteCategory: Category;
}

const ID_PATTERN = /^(?:(?:bounce|complaint)\+)?sim-(\d+)@/;

export function customerIdOf(number: number): string {
  return `sim-${String(number).padStart(6, '0')}`;
}

export function shopperNumberOfCustomerId(customerId: string): number | undefined {
  const match = /^sim-(\d{6,})$/.exec(customerId);
  return match?.[1] === undefined ? undefined : Number.parseInt(match[1], 10);
}

/** The shopper number an address belongs to, if it looks like one of ours (the caller checks the rest). */
export function shopperNumberOf(address: string): number | undefined {
  const match = ID_PATTERN.exec(address.toLowerCase());
  return match?.[1] === undefined ? undefined : Number.parseInt(match[1], 10);
}

export function createShopper(seed: Seed, number: number): Shopper {
  const random = forkRandom(seed, 'shopper', number);
  const customerId = customerIdOf(number);
  const mailbox = random.weightedKey({
    bounce: BEHAVIOUR.simulatorAddressShare.bounce,
    complaint: BEHAVIOUR.simulatorAddressShare.complaint,
    inbox: 1 - BEHAVIOUR.simulatorAddressShare.bounce - BEHAVIOUR.simulatorAddressShare.complaint,
  });
  const [timeZone, , utcOffsetMinutes, locale] = random.weighted(
    BEHAVIOUR.timeZones,
    BEHAVIOUR.timeZones.map(([, weight]) => weight),
  );
  const isNew = random.chance(BEHAVIOUR.newShopperShare);
  const persona = random.weightedKey(BEHAVIOUR.personaWeights[isNew ? 'new' : 'existing']);
  const favourites = BEHAVIOUR.personas[persona].favouriteCategory;
  return {
    number,
    customerId,
    email:
      mailbox === 'inbox'
        ? `${customerId}@${BEHAVIOUR.emailDomain}`
        : `${mailbox}+${customerId}@simulator.amazonses.com`,
    mailbox,
    firstName: random.pick(BEHAVIOUR.firstNames),
    timeZone,
    utcOffsetMinutes,
    locale,
    persona,
    isNew,
    marketingConsent: random.chance(BEHAVIOUR.marketingConsentRate),
    favouriteCategory: random.weighted(
      CATEGORIES,
      CATEGORIES.map((category) => favourites[category]),
    ),
  };
}
