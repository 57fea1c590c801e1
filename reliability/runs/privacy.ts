import { findPersonalData } from '#local/simulate/log-privacy.ts';
import { runSimulation } from '#local/simulate/run-simulation.ts';
import { type RunReport, secondsSince } from '../report.ts';

export interface PrivacyOptions {
  customers: number;
  days: number;
  seed: number;
}

export const PRIVACY_DEFAULTS: PrivacyOptions = { customers: 300, days: 14, seed: 5 };

/**
 * Privacy: a whole simulation (sign-ups with names, carts, orders, mails, bounces) through the local
 * stack, then every line every function logged searched for the shoppers' email addresses and names.
 * Findings are reported by kind and line number only, so the report itself leaks nothing.
 */
export async function runPrivacy(options: PrivacyOptions = PRIVACY_DEFAULTS): Promise<RunReport> {
  const started = performance.now();
  const lines: string[] = [];
  const run = await runSimulation({ ...options, onLogLine: (_, line) => lines.push(line) });
  const shoppers = Array.from({ length: options.customers }, (_, index) =>
    run.shoppers.shopper(`sim-${String(index + 1).padStart(6, '0')}`),
  );
  const findings = findPersonalData(lines, {
    emails: shoppers.flatMap((shopper) => shopper?.email ?? []),
    names: shoppers.flatMap((shopper) => shopper?.firstName ?? []),
  });
  const byKind = (kind: 'email' | 'name') => findings.filter((finding) => finding.kind === kind).length;
  return {
    run: 'privacy',
    figures: {
      eventsIn: run.events.accepted + run.events.rejected,
      eventsStored: run.events.accepted,
      duplicates: 0,
      lost: 0,
      status4xx: run.events.rejected,
      status5xx: 0,
    },
    details: {
      'log lines': lines.length,
      'mails sent': run.counts.sesMails,
      'lines with an email address': byKind('email'),
      'lines with a name': byKind('name'),
    },
    problems: [
      ...findings
        .slice(0, 5)
        .map((finding) => `log line ${finding.line} contains a customer's ${finding.kind}`),
      ...(findings.length > 5 ? [`${findings.length - 5} more log lines with personal data`] : []),
      ...(run.events.rejected > 0 ? [`the API refused ${run.events.rejected} generated events`] : []),
      ...(lines.length === 0 ? ['the simulation logged nothing, so nothing was checked'] : []),
    ],
    seconds: secondsSince(started),
  };
}
