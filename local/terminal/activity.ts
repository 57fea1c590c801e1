/**
 * What `npm start` prints while it runs: one readable line per thing that happens, read from the
 * functions' JSON log lines (their own messages and the EMF metrics they publish). Every raw line
 * also goes to the log file the banner names; `--verbose` prints them as well.
 */

/** One line for the terminal, or undefined for a log line nobody needs to watch. */
export function activityLine(functionName: string, line: string): string | undefined {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (typeof entry !== 'object' || entry === null) return undefined;
  const level = String(entry.level ?? '').toUpperCase();
  if (level === 'ERROR' || level === 'CRITICAL' || level === 'WARN') {
    return `! ${shortName(functionName)}: ${String(entry.message ?? 'problem')}${describeError(entry.error)}`;
  }
  if (typeof entry.eventIngested === 'number' && entry.eventIngested > 0) {
    const count = entry.eventIngested;
    return `→ ${count} event${count === 1 ? '' : 's'} in`;
  }
  if (typeof entry.eventRejected === 'number' && entry.eventRejected > 0) {
    return `✗ ${entry.eventRejected} event${entry.eventRejected === 1 ? '' : 's'} rejected`;
  }
  if (typeof entry.journeyEntered === 'number' && typeof entry.journey === 'string') {
    return `◆ ${entry.journey}: entered${entry.group === 'heldout' ? ' (held out: no mails)' : ''}`;
  }
  if (entry.message === 'journey step answered' && typeof entry.journey === 'string') {
    return stepLine(
      entry.journey,
      String(entry.step ?? ''),
      String(entry.outcome ?? ''),
      String(entry.reason ?? ''),
    );
  }
  if (entry.message === 'order attributed' && typeof entry.journey === 'string') {
    return `$ order credited to ${entry.journey}`;
  }
  return undefined;
}

function stepLine(journey: string, step: string, outcome: string, reason: string): string | undefined {
  const at = `${journey} · ${step}`;
  switch (outcome) {
    case 'sent':
      return `✉ ${at}: mail sent`;
    case 'skipped':
      return `– ${at}: no mail (${reason})`;
    case 'deferred':
      // A step waiting for the profile to catch up holds no mail back: not worth a line.
      return reason === 'waiting-for-profile' ? undefined : `… ${at}: mail held back (${reason})`;
    case 'exited':
      return `◇ ${journey}: left at ${step} (${reason})`;
    default:
      return undefined;
  }
}

/** `JourneyStepFunction-1A2B3C` → `JourneyStepFunction`. */
function shortName(functionName: string): string {
  return functionName.replace(/[-_][0-9A-Za-z]{8,}$/, '');
}

function describeError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return '';
  const { name, message } = error as { name?: unknown; message?: unknown };
  return message === undefined ? '' : ` (${String(name ?? 'Error')}: ${String(message)})`;
}
