/**
 * An IANA zone where it is now 8 or 9 in the morning, so a test's mails have the whole day before
 * quiet hours (21:00) even on a clock that runs an hour a second.
 */
export function morningZone(now: Date): string {
  for (let offset = -12; offset <= 14; offset += 1) {
    // Etc/GMT zones count the other way round: Etc/GMT-9 is UTC+9.
    const zone = offset === 0 ? 'Etc/UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
    const hour = Number(
      new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: zone }).format(now),
    );
    if (hour === 8 || hour === 9) return zone;
  }
  return 'Etc/UTC';
}
