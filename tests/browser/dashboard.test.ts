import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsStore } from '#local/dashboard/metrics-store.ts';
import type { LocalDashboard } from '#local/dashboard/server.ts';
import { startDashboardFor } from '#local/dashboard/start-dashboard.ts';
import { runDemoShoppers } from '#local/demo/demo-shoppers.ts';
import { type LocalStack, startLocalStack } from '#tests/helpers/local-stack.ts';
import { ARTIFACTS_DIR, hasChromium, launchChromium, reportMissingChromium } from './chromium.ts';

/** Real time the demo's journeys get to show up (an hour of journeys a second, quiet hours included). */
const JOURNEYS_TIMEOUT_MS = 90_000;
const SUITE_TIMEOUT_MS = JOURNEYS_TIMEOUT_MS + 30_000;

/** Re-reads `read` until it returns something, or fails saying what it waited for. */
async function eventually<T>(read: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + JOURNEYS_TIMEOUT_MS;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/**
 * One shopper through ingest, profiles and a journey step before the demo starts, so no function is
 * cold when the demo shoppers arrive: at 3600× a cold start is hours of virtual time, longer than a
 * journey step waits for the profile to catch up with its trigger.
 */
async function warmUp(stack: LocalStack): Promise<void> {
  const at = new Date(stack.runtime.clock.now()).toISOString();
  const response = await stack.post(
    '/v1/events',
    {
      events: [
        {
          id: 'warm-up-signup',
          type: 'customer.registered',
          occurredAt: at,
          identity: { customerId: 'warm-up', email: 'warm-up@example.com' },
          data: {
            attributes: { firstName: 'Warm' },
            consent: [{ channel: 'email', status: 'granted', source: 'warm-up', recordedAt: at }],
          },
        },
      ],
    },
    { authorization: `Bearer ${stack.demo.apiKey}` },
  );
  expect(response.status).toBe(202);
  await eventually(() => stack.profile('customer:warm-up'), 'the warm-up profile');
  const journeyStep = [...stack.runtime.functions.values()].find((fn) =>
    fn.definition.entry.endsWith('journey-step.ts'),
  );
  await eventually(
    async () => ((journeyStep?.invocations ?? 0) >= 2 ? true : undefined),
    'the warm-up journey steps',
  );
}

if (!hasChromium) {
  describe('Browser: local dashboard', () => reportMissingChromium('the local dashboard'));
} else {
  describe('Browser: local dashboard', () => {
    let stack: LocalStack;
    let dashboard: LocalDashboard;
    let browser: Browser;
    let page: Page;

    beforeAll(async () => {
      const metrics = new MetricsStore();
      stack = await startLocalStack({ speed: 3600, onLogLine: metrics.onLogLine });
      dashboard = await startDashboardFor(stack.runtime, { metrics, port: 0 });
      await warmUp(stack);
      await runDemoShoppers({
        httpUrl: stack.runtime.urls.http,
        apiKey: stack.demo.apiKey,
        now: () => stack.runtime.clock.now(),
        log: () => undefined,
      });
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1360, height: 900 } });
    }, SUITE_TIMEOUT_MS);
    afterAll(async () => {
      await browser?.close();
      await dashboard?.close();
      await stack?.close();
    });

    it(
      "shows a marketer each journey's funnel, deliverability and pipeline health, with the welcome mails sent",
      async () => {
        // Prepare
        const pageErrors: string[] = [];
        page.on('pageerror', (error) => pageErrors.push(error.message));
        page.on('console', (message) => {
          if (message.type() === 'error') pageErrors.push(message.text());
        });
        const welcomeSent = page.locator('[data-widget="welcome-funnel"] .figure[data-label="Sent"] .value');

        // Act
        await page.goto(dashboard.url);
        const sent = await eventually(async () => {
          const count = Number(await welcomeSent.textContent());
          return count > 0 ? count : undefined;
        }, 'the welcome funnel to count a sent mail');
        await page.screenshot({ path: join(ARTIFACTS_DIR, 'dashboard.png'), fullPage: true });

        // Assess
        expect(sent).toBeGreaterThan(0);
        const headings = await page.locator('.row > h2').allTextContents();
        expect(headings).toEqual(
          expect.arrayContaining([
            'Welcome journey',
            'Cart abandonment journey',
            'Deliverability',
            'Pipeline health',
          ]),
        );
        expect(await page.locator('[data-widget="bounce-rate"] canvas').count()).toBe(1);
        // The breakdown by reason lists only what happened, each with its count.
        const reasons = page.locator('[data-widget="cart-abandonment-reasons"] .figure:visible .value');
        expect(
          await page.locator('[data-widget="cart-abandonment-reasons"] .figure').count(),
        ).toBeGreaterThan(9);
        for (const value of await reasons.allTextContents()) expect(Number(value)).toBeGreaterThan(0);
        expect(await page.locator('#clock').textContent()).toContain('3,600× faster');
        expect(pageErrors).toEqual([]);
      },
      SUITE_TIMEOUT_MS,
    );

    it(
      'answers in the customer view why Cleo got her mails: consent, journeys, decisions and the welcome mail',
      async () => {
        // Prepare
        const url = `${dashboard.url}/customers?who=${encodeURIComponent('cleo@example.com')}`;

        // Act: the welcome mail may wait for the morning in Tokyo (quiet hours): a few seconds here
        const welcomeSent = page.locator('.decision[data-outcome="sent"]', {
          hasText: 'Sent welcome welcome',
        });
        await eventually(async () => {
          await page.goto(url);
          return (await welcomeSent.count()) > 0 ? true : undefined;
        }, "the decision to send Cleo's welcome mail in the customer view");
        await page.screenshot({ path: join(ARTIFACTS_DIR, 'customer-cleo.png'), fullPage: true });

        // Assess
        expect(await page.locator('#profile h2').textContent()).toBe('Cleo');
        expect(await page.locator('#profile .facts').textContent()).toContain('demo-signup-form');
        expect(await page.locator('#journeys td').allTextContents()).toContain('welcome');
        expect(await welcomeSent.textContent()).toMatch(/^Sent Sent welcome welcome at .+ Asia\/Tokyo/);
        expect(await page.locator('.mail[data-journey="welcome"] .mail-title').textContent()).toContain(
          'welcome welcome (template welcome.welcome): sent at',
        );
      },
      SUITE_TIMEOUT_MS,
    );

    it(
      'draws each journey as a flow with what happened at its steps: entrants at the trigger, mails sent, runs waiting',
      async () => {
        // Prepare
        const pageErrors: string[] = [];
        const flowPage = await browser.newPage({ viewport: { width: 1360, height: 900 } });
        flowPage.on('pageerror', (error) => pageErrors.push(error.message));
        const welcome = flowPage.locator('section#welcome svg');

        // Act: the counts are read when the page loads; reload until the welcome mail is counted
        const text = await eventually(async () => {
          await flowPage.goto(`${dashboard.url}/flows`);
          await welcome.waitFor({ timeout: 10_000 });
          const drawn = (await welcome.textContent()) ?? '';
          return drawn.includes('sent: ') ? drawn : undefined;
        }, 'the welcome flow to count a sent mail');
        await flowPage.screenshot({ path: join(ARTIFACTS_DIR, 'flows.png'), fullPage: true });

        // Assess: one drawing per journey, and the welcome one with its numbers in its boxes
        expect(await flowPage.locator('section.flow svg').count()).toBe(6);
        expect(text).toMatch(/customer\.registered.*entered: [1-9]/s);
        expect(text).toMatch(/welcome.*send welcome\.welcome.*sent: [1-9]/s);
        const cart = (await flowPage.locator('section#cart-abandonment svg').textContent()) ?? '';
        expect(cart).toMatch(/entered: [1-9]/);
        expect(pageErrors).toEqual([]);
        await flowPage.close();
      },
      SUITE_TIMEOUT_MS,
    );
  });
}
