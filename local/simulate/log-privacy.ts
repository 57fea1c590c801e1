/** Personal data a simulation handed the stack, to look for in what the stack logged. */
export interface PersonalData {
  emails: readonly string[];
  names: readonly string[];
}

export interface PrivacyFinding {
  /** What was found: "email" or "name", never the value itself (this report is printed). */
  kind: 'email' | 'name';
  /** Index of the log line. */
  line: number;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Lines that contain any of the customers' email addresses (case-insensitively, also URL-encoded)
 * or names (as whole words, case-sensitively, so "Ana" does not match "Analytics").
 */
export function findPersonalData(lines: readonly string[], data: PersonalData): PrivacyFinding[] {
  const emails = [...new Set(data.emails.map((email) => email.toLowerCase()))];
  const encoded = emails.map((email) => encodeURIComponent(email).toLowerCase());
  const names = [...new Set(data.names)].filter((name) => name.length > 0);
  const namePattern =
    names.length === 0 ? undefined : new RegExp(`\\b(?:${names.map(escapeRegExp).join('|')})\\b`);
  const findings: PrivacyFinding[] = [];
  lines.forEach((line, index) => {
    const lower = line.toLowerCase();
    if (emails.some((email, at) => lower.includes(email) || lower.includes(encoded[at] as string))) {
      findings.push({ kind: 'email', line: index });
    } else if (namePattern?.test(line)) {
      findings.push({ kind: 'name', line: index });
    }
  });
  return findings;
}
