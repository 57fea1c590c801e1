/**
 * Results per content variant of each journey step, from what the send path and engagement record:
 * each mail sent (its journey, step and variant, with its opens and clicks) and each order credited
 * to a mail (attribution, net of refunds). A recipient counts once per mail; an open or click counts
 * once per recipient. The experiment statistics read these.
 */

import { addAmounts } from '#events/money.ts';
import type { Money } from '#events/schemas.ts';

export interface SentMailFigures {
  journey: string;
  step: string;
  variant: string;
  opens?: number;
  clicks?: number;
}

export interface CreditedOrder {
  journey: string;
  step: string;
  variant: string;
  revenue: Money;
  netRevenue?: Money;
}

export interface VariantFigures {
  id: string;
  recipients: number;
  opens: number;
  clicks: number;
  conversions: number;
  revenue: Record<string, string>;
}

/** Per `journey step`, the figures of each variant in the order first seen. */
export function variantResults(
  mails: readonly SentMailFigures[],
  orders: readonly CreditedOrder[],
): Map<string, VariantFigures[]> {
  const steps = new Map<string, Map<string, VariantFigures>>();
  const figuresOf = (journey: string, step: string, variant: string) => {
    const key = `${journey} ${step}`;
    const variants = steps.get(key) ?? new Map<string, VariantFigures>();
    steps.set(key, variants);
    const figures = variants.get(variant) ?? {
      id: variant,
      recipients: 0,
      opens: 0,
      clicks: 0,
      conversions: 0,
      revenue: {},
    };
    variants.set(variant, figures);
    return figures;
  };
  for (const mail of mails) {
    const figures = figuresOf(mail.journey, mail.step, mail.variant);
    figures.recipients += 1;
    if ((mail.opens ?? 0) > 0) figures.opens += 1;
    if ((mail.clicks ?? 0) > 0) figures.clicks += 1;
  }
  for (const order of orders) {
    const figures = figuresOf(order.journey, order.step, order.variant);
    // Conversions cannot outnumber recipients (an order credited to a mail this report has not read yet).
    if (figures.conversions >= figures.recipients) continue;
    figures.conversions += 1;
    const { amount, currency } = order.netRevenue ?? order.revenue;
    figures.revenue[currency] = addAmounts(figures.revenue[currency] ?? '0', amount, currency);
  }
  return new Map([...steps].map(([key, variants]) => [key, [...variants.values()]]));
}
