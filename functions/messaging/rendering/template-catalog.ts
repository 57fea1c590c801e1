/**
 * The templates that exist and the kind of mail each one is. The kind decides the footer the law
 * asks for: marketing mail must carry an unsubscribe link, transactional mail must not depend on one.
 * Ids are stored in journey definitions and send records, so they are never renamed.
 */
export type MessageKind = 'marketing' | 'transactional';

const templateKinds = {
  'welcome.welcome': 'marketing',
  'welcome.bestsellers': 'marketing',
  'welcome.first-order-incentive': 'marketing',
  'browse-abandonment.reminder': 'marketing',
  'cart-abandonment.reminder-1': 'marketing',
  'cart-abandonment.reminder-2': 'marketing',
  'cart-abandonment.last-chance': 'marketing',
  'post-purchase.order-confirmation': 'transactional',
  'post-purchase.review-request': 'marketing',
  'post-purchase.cross-sell': 'marketing',
  'replenishment.reorder-reminder': 'marketing',
  'win-back.we-miss-you': 'marketing',
  'win-back.incentive': 'marketing',
} as const satisfies Record<string, MessageKind>;

export type TemplateId = keyof typeof templateKinds;

export const templateIds = Object.keys(templateKinds) as readonly TemplateId[];

export function isTemplateId(value: string): value is TemplateId {
  return Object.hasOwn(templateKinds, value);
}

export function kindOf(templateId: TemplateId): MessageKind {
  return templateKinds[templateId];
}
