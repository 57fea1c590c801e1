import type { JourneyId } from '#journeys/config/journey-schema.ts';
import { BROWSE_ABANDONMENT_SCENARIOS } from './browse-abandonment.scenarios.ts';
import { CART_ABANDONMENT_SCENARIOS } from './cart-abandonment.scenarios.ts';
import { POST_PURCHASE_SCENARIOS } from './post-purchase.scenarios.ts';
import { REPLENISHMENT_SCENARIOS } from './replenishment.scenarios.ts';
import type { Scenario } from './scenario.ts';
import { WELCOME_SCENARIOS } from './welcome.scenarios.ts';
import { WIN_BACK_SCENARIOS } from './win-back.scenarios.ts';

/**
 * Every journey's named scenarios, for the pinned transition counts and the bench's journey cost.
 * Typed by journey id, so a new journey without scenarios does not compile.
 */
export const JOURNEY_SCENARIOS: Record<JourneyId, Record<string, Scenario>> = {
  welcome: WELCOME_SCENARIOS,
  'browse-abandonment': BROWSE_ABANDONMENT_SCENARIOS,
  'cart-abandonment': CART_ABANDONMENT_SCENARIOS,
  'post-purchase': POST_PURCHASE_SCENARIOS,
  replenishment: REPLENISHMENT_SCENARIOS,
  'win-back': WIN_BACK_SCENARIOS,
};
