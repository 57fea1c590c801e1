import { describe, expect, it } from 'vitest';
import { formatCount, formatSize, formatTable, formatUsd } from '../../../bench/format.ts';

describe('Function: formatTable', () => {
  it('names each section on its first row only and right-aligns values and ratios', () => {
    // Prepare
    const sections = [
      {
        title: 'ingest',
        rows: [
          { figure: 'HTTP API → stored profiles', value: '269 events/s', alongside: 'raw', ratio: '0.237' },
        ],
      },
      {
        title: 'cold start',
        rows: [
          { figure: 'a', value: '258.4 ms', alongside: 'SDK only', ratio: '1.60×' },
          { figure: 'b', value: '1,234.5 ms', alongside: 'SDK only', ratio: '12.00×' },
        ],
      },
    ];

    // Act
    const lines = formatTable(sections).split('\n');

    // Assess
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^section +\| figure +\| +value \| measured next to \| +ratio$/);
    expect(lines[2]).toMatch(/^ingest +\| HTTP API → stored profiles \| +269 events\/s \| raw +\| +0\.237$/);
    expect(lines[3]).toMatch(/^cold start \| a +\| +258\.4 ms \|/);
    expect(lines[4]).toMatch(/^ +\| b +\| +1,234\.5 ms \|/);
    expect(lines[4]?.endsWith('12.00×')).toBe(true);
    // The separators of every row sit where the rule's crossings are, so the columns line up.
    const separators = (line: string, mark: string) =>
      [...line].flatMap((character, index) => (character === mark ? [index] : []));
    const crossings = separators(lines[1] ?? '', '+');
    expect(crossings).toHaveLength(4);
    for (const line of [lines[0], ...lines.slice(2)]) expect(separators(line ?? '', '|')).toEqual(crossings);
  });

  it('leaves the comparison and ratio cells empty for a figure without them', () => {
    // Act
    const table = formatTable([
      { title: 'profile rules', rows: [{ figure: 'CPU only', value: '3,060 events/s' }] },
    ]);

    // Assess
    expect(table.split('\n')[2]).toMatch(/^profile rules \| CPU only \| 3,060 events\/s \| +\|$/);
  });
});

describe('Function: formatSize', () => {
  it('shows bundles in whole KiB and tiny ones in bytes', () => {
    // Act & Assess
    expect(formatSize(633_000)).toBe('618 KiB');
    expect(formatSize(512)).toBe('512 B');
  });
});

describe('Function: formatCount and formatUsd', () => {
  it('groups thousands and shows dollars to three decimals', () => {
    // Act & Assess
    expect(formatCount(20_000)).toBe('20,000');
    expect(formatUsd(0.3)).toBe('$0.300');
    expect(formatUsd(3.175)).toBe('$3.175');
  });
});
