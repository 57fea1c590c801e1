/**
 * How a shopper reacts to a mail the runtime sent: opens it, clicks it, and the click brings them to the
 * store, where they may buy what the mail was about. Drawn from (seed, shopper, journey, step, how many
 * mails they had), so the same mails give the same reactions whatever else happens.
 */
import { BEHAVIOUR, mailRates } from './behaviour.ts';
import { forkRandom } from './random.ts';
import { type ShopperState, scheduleVisit } from './shopper-state.ts';
import { atLeastOneTick, MINUTE_MS, tickAtOrAfter, type World } from './simulated-time.ts';

export interface SentMail {
  recipient: string;
  journey: string;
  step: string;
  /** Virtual epoch ms. */
  sentAt: number;
}

/** When to fetch the open pixel and the click URL (virtual epoch ms, on the tick grid), if ever. */
export interface MailReaction {
  openAt?: number;
  clickAt?: number;
}

/**
 * Reacts to one mail. The visit a click leads to starts after `notBefore` (the events up to it have been
 * handed out already) and after any visit in progress.
 */
export function reactToMail(
  world: World,
  state: ShopperState,
  mail: SentMail,
  notBefore: number,
): MailReaction {
  const mailNumber = state.counters.mail++;
  const random = forkRandom(world.seed, 'mail', state.shopper.number, mail.journey, mail.step, mailNumber);
  const rates = mailRates(mail.journey, mail.step);
  const { openDelay, clickDelay, visitDelay } = BEHAVIOUR.mail;
  if (!random.chance(rates.open)) return {};
  const openAt = tickAtOrAfter(
    world,
    mail.sentAt +
      atLeastOneTick(world, random.logNormal(openDelay.medianMinutes, openDelay.sigma) * MINUTE_MS),
  );
  if (!random.chance(rates.click)) return { openAt };
  const clickAt = tickAtOrAfter(
    world,
    openAt + atLeastOneTick(world, random.logNormal(clickDelay.medianMinutes, clickDelay.sigma) * MINUTE_MS),
  );
  const purchase = random.chance(rates.purchase);
  const visitAt = clickAt + random.logNormal(visitDelay.medianMinutes, visitDelay.sigma) * MINUTE_MS;
  scheduleVisit(world, state, Math.max(visitAt, notBefore + world.tickMs), {
    kind: 'mail-click',
    journey: mail.journey,
    step: mail.step,
    purchase,
    random,
  });
  return { openAt, clickAt };
}
