import { describe, expect, it } from 'vitest';
import { addressOf, simulatedOutcome } from '#local/ses/mailbox-simulator.ts';

describe('Function: simulatedOutcome', () => {
  it.each([
    ['bounce@simulator.amazonses.com', 'bounced'],
    ['complaint@simulator.amazonses.com', 'complained'],
    ['ooto@simulator.amazonses.com', 'out-of-office'],
    ['suppressionlist@simulator.amazonses.com', 'suppressed'],
    ['success@simulator.amazonses.com', 'delivered'],
  ] as const)('gives %s the outcome %s', (address, outcome) => {
    // Prepare
    const recipient = address;

    // Act
    const result = simulatedOutcome(recipient);

    // Assess
    expect(result).toBe(outcome);
  });

  it('reads a +label, a display name and capitals like SES does', () => {
    // Prepare
    const recipient = 'Test Shopper <Bounce+cart-reminder@Simulator.AmazonSES.com>';

    // Act
    const result = simulatedOutcome(recipient);

    // Assess
    expect(result).toBe('bounced');
  });

  it('delivers to addresses outside the simulator and to unknown simulator mailboxes', () => {
    // Prepare
    const recipients = [
      'bounce@example.com',
      'nobody@simulator.amazonses.com',
      'constructor@simulator.amazonses.com',
    ];

    // Act
    const results = recipients.map(simulatedOutcome);

    // Assess
    expect(results).toEqual(['delivered', 'delivered', 'delivered']);
  });
});

describe('Function: addressOf', () => {
  it('takes the address out of a display name', () => {
    // Prepare
    const mailbox = '"Demo Store" <hello@demo-store.example>';

    // Act
    const address = addressOf(mailbox);

    // Assess
    expect(address).toBe('hello@demo-store.example');
  });
});
