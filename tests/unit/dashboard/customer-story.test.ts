import { describe, expect, it } from 'vitest';
import { formatStory } from '#local/cli/commands/why.ts';
import { customerStory, describeEntry, describeExitReason } from '#local/dashboard/customer-story.ts';
import { customerPage } from '#local/dashboard/pages.ts';
import { emptyProfile } from '#profiles/domain/profile.ts';

const PK = 'CUSTOMER#demo#customer:c-1';
const profile = {
  ...emptyProfile('demo', 'customer:c-1'),
  customerId: 'c-1',
  email: 'ann@example.com',
  attributes: { firstName: 'Ann', timeZone: 'Europe/Berlin' },
};

function story() {
  return customerStory({
    storeId: 'demo',
    who: 'ann@example.com',
    key: 'customer:c-1',
    profile,
    items: [
      {
        pk: PK,
        sk: 'ENTRY#cart-abandonment#cart-1',
        journey: 'cart-abandonment',
        subjectKey: 'cart-1',
        at: '2026-03-02T09:02:00.000Z',
        heldOut: false,
      },
      {
        pk: PK,
        sk: 'EXIT#cart-abandonment#cart-1',
        journey: 'cart-abandonment',
        subjectKey: 'cart-1',
        step: 'reminder-2',
        reason: 'ordered',
        at: '2026-03-03T11:00:00.000Z',
      },
      {
        pk: PK,
        sk: 'ENTRY#welcome#c-1',
        journey: 'welcome',
        subjectKey: 'c-1',
        at: '2026-03-01T08:00:00.000Z',
        heldOut: true,
      },
      {
        pk: PK,
        sk: 'EXIT#replenishment#o-1',
        journey: 'replenishment',
        subjectKey: 'o-1',
        step: 'enter',
        reason: 'nothing-to-replenish',
        at: '2026-03-03T12:00:00.000Z',
      },
    ],
  });
}

describe('Function: customerStory', () => {
  it('puts each exit with the entry of its run, and keeps runs that ended before entering apart', () => {
    // Act
    const { entries, exitsBeforeEntry } = story();

    // Assess
    expect(entries.map((entry) => [entry.journey, entry.exit?.step, entry.exit?.reason])).toEqual([
      ['welcome', undefined, undefined],
      ['cart-abandonment', 'reminder-2', 'ordered'],
    ]);
    expect(exitsBeforeEntry).toEqual([
      {
        journey: 'replenishment',
        subjectKey: 'o-1',
        step: 'enter',
        reason: 'nothing-to-replenish',
        at: '2026-03-03T12:00:00.000Z',
      },
    ]);
  });
});

describe('Function: describeEntry', () => {
  it('says where and why a run ended, in the customer time zone', () => {
    // Prepare
    const [, cart] = story().entries;

    // Act
    const text = describeEntry(cart!, 'Europe/Berlin');

    // Assess
    expect(text).toBe(
      'Entered cart-abandonment for cart-1 at 2026-03-02 10:02 Europe/Berlin, in the treated group; ' +
        'exited at reminder-2 at 2026-03-03 12:00 Europe/Berlin: ordered (the customer ordered)',
    );
  });

  it('shows a reason it does not know as it is', () => {
    // Act
    const text = describeExitReason('moved-abroad');

    // Assess
    expect(text).toBe('moved-abroad');
  });
});

describe('Function: formatStory', () => {
  it('tells in the CLI why runs ended without mail, next to the entries', () => {
    // Act
    const text = formatStory(story());

    // Assess
    const journeys = text.split('\n\n').find((section) => section.startsWith('Journeys entered'));
    expect(journeys?.split('\n')).toEqual([
      'Journeys entered',
      expect.stringMatching(/^ {2}Entered welcome for c-1 at .*holdout group[^;]*$/),
      expect.stringContaining('; exited at reminder-2 at 2026-03-03 12:00 Europe/Berlin: ordered'),
      '  Did not enter replenishment for o-1 at 2026-03-03 13:00 Europe/Berlin: nothing-to-replenish (nothing in the order runs out)',
    ]);
  });
});

describe('Function: customerPage', () => {
  it('shows each run with how it ended early, if it did', () => {
    // Act
    const page = customerPage({ who: 'ann@example.com', story: story(), customers: [] });

    // Assess
    const rows = page.match(/<tr class="journey-run"[\s\S]*?<\/tr>/g) ?? [];
    expect(rows).toHaveLength(3);
    expect(rows[0]).toContain('<span class="muted">—</span>');
    expect(rows[1]).toContain(
      '<span class="exit" data-step="reminder-2" data-reason="ordered">at reminder-2, 2026-03-03 12:00 Europe/Berlin: ordered (the customer ordered)</span>',
    );
    expect(rows[2]).toContain('did not enter');
    expect(rows[2]).toContain('data-reason="nothing-to-replenish"');
  });
});
