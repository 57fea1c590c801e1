import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerStory } from '#local/dashboard/customer-story.ts';
import { MetricsStore } from '#local/dashboard/metrics-store.ts';
import { type LocalDashboard, startLocalDashboard } from '#local/dashboard/server.ts';
import { emptyProfile } from '#profiles/domain/profile.ts';
import { ARTIFACTS_DIR, hasChromium, launchChromium, reportMissingChromium } from './chromium.ts';

/** Markup an attacker could put into any field an event carries. */
const HOSTILE = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=1</script>`;
const AT = '2026-03-02T09:00:00.000Z';

function hostileStory(who: string) {
  const profile = {
    ...emptyProfile('demo', 'customer:c-1'),
    customerId: 'c-1',
    email: 'mallory@example.com',
    attributes: { firstName: HOSTILE, timeZone: 'Europe/Berlin' },
    consent: { email: { status: 'granted' as const, source: HOSTILE, recordedAt: AT } },
    cart: {
      cartId: 'cart-1',
      lines: [{ productId: 'p-1', name: HOSTILE, quantity: 1 }],
      status: 'open' as const,
      updatedAt: AT,
    },
  };
  return customerStory({
    storeId: 'demo',
    who,
    key: 'customer:c-1',
    profile,
    items: [
      {
        pk: 'CUSTOMER#demo#customer:c-1',
        sk: 'ENTRY#welcome#c-1',
        journey: 'welcome',
        subjectKey: HOSTILE,
        at: AT,
        heldOut: true,
      },
      {
        pk: 'CUSTOMER#demo#customer:c-1',
        sk: `EXIT#welcome#${HOSTILE}`,
        journey: 'welcome',
        subjectKey: HOSTILE,
        step: 'bestsellers',
        reason: 'ordered',
        at: '2026-03-04T09:00:00.000Z',
      },
      {
        pk: 'CUSTOMER#demo#customer:c-1',
        sk: 'EXIT#replenishment#o-1',
        journey: 'replenishment',
        subjectKey: 'o-1',
        step: 'enter',
        reason: HOSTILE,
        at: AT,
      },
      {
        pk: 'CUSTOMER#demo#customer:c-1',
        sk: `DECISION#${AT}#welcome#welcome`,
        at: AT,
        journey: 'welcome',
        step: 'welcome',
        subjectKey: 'c-1',
        outcome: 'skipped',
        reason: HOSTILE,
      },
      {
        pk: 'CUSTOMER#demo#customer:c-1',
        sk: 'MESSAGE#welcome#c-1#welcome',
        messageKey: 'welcome#c-1#welcome',
        status: 'sent',
        template: 'welcome.welcome',
        sentAt: AT,
        messageId: 'ses-1',
      },
      {
        pk: 'SESMESSAGE#ses-1',
        sk: 'MESSAGE',
        engagement: {
          delivery: '2026-03-02T09:00:05.000Z',
          bounce: { at: '2026-03-02T09:01:00.000Z', type: HOSTILE },
        },
      },
    ],
  });
}

if (!hasChromium) {
  describe('Browser: customer view', () => reportMissingChromium('the customer view'));
} else {
  describe('Browser: customer view', () => {
    let dashboard: LocalDashboard;
    let browser: Browser;

    beforeAll(async () => {
      dashboard = await startLocalDashboard({
        port: 0,
        rows: [],
        metrics: new MetricsStore(),
        now: () => Date.parse(AT),
        customers: {
          story: async (who) => hostileStory(who),
          list: async () => [{ key: 'customer:c-1', name: HOSTILE, email: 'mallory@example.com' }],
        },
      });
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
      await dashboard?.close();
    });

    it("shows a customer's data as text, never as markup, wherever it appears", async () => {
      // Prepare
      const page = await browser.newPage();

      // Act
      await page.goto(`${dashboard.url}/customers?who=${encodeURIComponent(HOSTILE)}`);
      await page.screenshot({ path: join(ARTIFACTS_DIR, 'customer-escaping.png'), fullPage: true });
      const listing = await browser.newPage();
      await listing.goto(`${dashboard.url}/customers`);

      // Assess
      expect(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await listing.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.locator('main img, main script').count()).toBe(0);
      expect(await page.locator('#profile h2').textContent()).toBe(HOSTILE);
      expect(await page.locator('#who').inputValue()).toBe(HOSTILE);
      expect(await page.locator('.decision').textContent()).toContain(`Skipped welcome welcome`);
      expect(await page.locator('.mail .events').textContent()).toContain(`bounced (${HOSTILE})`);
      expect(await page.locator('#journeys').textContent()).toContain('Held out');
      expect(await page.locator('#journeys .exit').allTextContents()).toEqual([
        'at bestsellers, 2026-03-04 10:00 Europe/Berlin: ordered (the customer ordered)',
        `at enter, 2026-03-02 10:00 Europe/Berlin: ${HOSTILE}`,
      ]);
      expect(await listing.locator('.people a').textContent()).toBe(HOSTILE);
    });
  });
}
