/** What SES's mailbox simulator does with a message to one recipient. */
export type SimulatedOutcome = 'delivered' | 'bounced' | 'complained' | 'out-of-office' | 'suppressed';

const SIMULATOR_DOMAIN = 'simulator.amazonses.com';

const SIMULATOR_MAILBOXES = new Map<string, SimulatedOutcome>([
  ['success', 'delivered'],
  ['bounce', 'bounced'],
  ['complaint', 'complained'],
  ['ooto', 'out-of-office'],
  ['suppressionlist', 'suppressed'],
]);

/**
 * The outcome SES gives an address: the simulator's mailboxes (with or without a `+label`, which SES
 * accepts so one test can tell its mails apart) bounce, complain or sit on the suppression list;
 * every other address is delivered.
 */
export function simulatedOutcome(recipient: string): SimulatedOutcome {
  const address = addressOf(recipient).toLowerCase();
  const at = address.lastIndexOf('@');
  if (at < 0 || address.slice(at + 1) !== SIMULATOR_DOMAIN) return 'delivered';
  const mailbox = address.slice(0, at).split('+')[0] ?? '';
  return SIMULATOR_MAILBOXES.get(mailbox) ?? 'delivered';
}

/** The bare address of `Display Name <address>` or of a bare address. */
export function addressOf(mailbox: string): string {
  const angle = /<([^<>]*)>\s*$/.exec(mailbox);
  return (angle?.[1] ?? mailbox).trim();
}
