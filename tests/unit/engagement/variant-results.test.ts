import { describe, expect, it } from 'vitest';
import { variantResults } from '#engagement/domain/variant-results.ts';
import { decideWinner } from '#journeys/definition/experiments.ts';

const usd = (amount: string) => ({ amount, currency: 'USD' });

describe('Function: variantResults', () => {
  it('counts each mail once as a recipient, an opener and a clicker, and credited orders net of refunds', () => {
    // Prepare
    const mail = (variant: string, opens = 0, clicks = 0) => ({
      journey: 'cart-abandonment',
      step: 'last-chance',
      variant,
      opens,
      clicks,
    });
    const mails = [
      mail('ten-off', 3, 1),
      mail('ten-off', 0),
      mail('free-ship', 1),
      mail('free-ship', 2, 2),
      mail('free-ship'),
    ];
    const orders = [
      {
        journey: 'cart-abandonment',
        step: 'last-chance',
        variant: 'ten-off',
        revenue: usd('40.00'),
        netRevenue: usd('30.00'),
      },
      { journey: 'cart-abandonment', step: 'last-chance', variant: 'free-ship', revenue: usd('25.50') },
    ];

    // Act
    const results = variantResults(mails, orders);

    // Assess
    expect(results.get('cart-abandonment last-chance')).toEqual([
      { id: 'ten-off', recipients: 2, opens: 1, clicks: 1, conversions: 1, revenue: { USD: '30.00' } },
      { id: 'free-ship', recipients: 3, opens: 2, clicks: 1, conversions: 1, revenue: { USD: '25.50' } },
    ]);
  });

  it('feeds the winner rule, which waits for enough recipients per variant', () => {
    // Prepare
    const mails = Array.from({ length: 30 }, (_, n) => ({
      journey: 'j',
      step: 's',
      variant: n % 2 === 0 ? 'a' : 'b',
    }));

    // Act
    const [variants] = [...variantResults(mails, []).values()];
    const decision = decideWinner(variants ?? [], {
      metric: 'conversion',
      minPerVariant: 200,
      probability: 0.95,
    });

    // Assess
    expect(decision).toMatchObject({
      status: 'running',
      reason: 'waiting for 200 recipients per variant: a has 15, b has 15',
    });
  });
});
