import { join } from 'node:path';
import { SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVirtualClock } from '#local/clock/virtual-clock.ts';
import { useLocalSes } from '#tests/helpers/local-ses-harness.ts';
import { ARTIFACTS_DIR, hasChromium, launchChromium, reportMissingChromium } from './chromium.ts';

// The clock of `npm start` (an hour a second), from a start years away from the real time.
const clock = createVirtualClock({ speed: 3600, start: '2030-03-01T09:00:00.000Z' });

const HTML = [
  '<html><body>',
  '<h1>Still thinking it over?</h1>',
  '<p>Your <a href="https://demo-store.example/cart">cart</a> is waiting.</p>',
  '</body></html>',
].join('');

if (!hasChromium) {
  describe('Browser: local inbox', () => reportMissingChromium('the local inbox'));
} else {
  describe('Browser: local inbox', () => {
    // Both tests look at the mails sent once below, so the inbox is not emptied between them.
    const local = useLocalSes({ now: () => clock.now(), eventDelayMs: 0, clearBeforeEach: false });
    let browser: Browser;
    let page: Page;
    const sent: Array<{ messageId: string; before: number; after: number }> = [];

    const opens = () =>
      local.published
        .filter((event) => event.detail.eventType === 'Open')
        .map((event) => event.detail.mail.messageId);

    beforeAll(async () => {
      for (const to of ['ada@example.com', 'grace@example.com']) {
        const before = clock.now();
        const { MessageId = '' } = await local.client.send(
          new SendEmailCommand({
            FromEmailAddress: 'hello@demo-store.example',
            Destination: { ToAddresses: [to] },
            ConfigurationSetName: 'storefront-journeys',
            Content: {
              Simple: {
                Subject: { Data: `Your cart, ${to}` },
                Body: { Html: { Data: HTML }, Text: { Data: 'Your cart is waiting.' } },
              },
            },
          }),
        );
        sent.push({ messageId: MessageId, before, after: clock.now() });
      }
      await local.ses.settle();
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('lists the mails at their virtual send times without opening any of them', async () => {
      // Prepare
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      local.published.length = 0;

      // Act
      await page.goto(local.ses.inboxUrl);
      await page.getByText('Your cart, grace@example.com').waitFor();
      await page.waitForLoadState('networkidle');
      await local.ses.settle();
      await page.screenshot({ path: join(ARTIFACTS_DIR, 'local-inbox.png'), fullPage: true });

      // Assess
      expect(opens()).toEqual([]);
      const listed: Array<string | null> = [];
      for (const card of await page.locator('.mail').all())
        listed.push(await card.getAttribute('data-message-id'));
      // Newest first.
      expect(listed).toEqual([...sent].reverse().map((mail) => mail.messageId));
      expect(await page.locator('iframe').count()).toBe(0);
      for (const mail of sent) {
        const shown = Date.parse(
          (await page.locator(`.mail[data-message-id="${mail.messageId}"] time`).getAttribute('datetime')) ??
            '',
        );
        expect(shown).toBeGreaterThanOrEqual(Math.floor(mail.before / 1000) * 1000);
        expect(shown).toBeLessThanOrEqual(mail.after);
      }
      expect(pageErrors).toEqual([]);
    });

    it('opens one mail when asked, which publishes one Open for that mail alone', async () => {
      // Prepare
      const [ada] = sent;
      const card = page.locator(`.mail[data-message-id="${ada?.messageId}"]`);
      local.published.length = 0;

      // Act
      await card.getByRole('button', { name: 'Open' }).click();
      await card.frameLocator('iframe').getByText('Still thinking it over?').waitFor();
      await page.waitForLoadState('networkidle');
      await local.ses.settle();
      await page.screenshot({ path: join(ARTIFACTS_DIR, 'local-inbox-open.png'), fullPage: true });

      // Assess
      expect(opens()).toEqual([ada?.messageId]);
    });
  });
}
