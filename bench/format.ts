import type { FigureRow } from './section.ts';

export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

export function formatMilliseconds(value: number): string {
  return `${value.toFixed(1)} ms`;
}

/** Bundle sizes in KiB (Lambda's package limits are binary megabytes too); under 1 KiB in bytes. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  return `${(bytes / 1024).toLocaleString('en-US', { maximumFractionDigits: 0 })} KiB`;
}

export function formatUsd(value: number, digits = 3): string {
  return `$${value.toFixed(digits)}`;
}

export interface TableSection {
  title: string;
  rows: FigureRow[];
}

const HEADER = {
  section: 'section',
  figure: 'figure',
  value: 'value',
  alongside: 'measured next to',
  ratio: 'ratio',
};
type Cells = typeof HEADER;

/**
 * One plain-text table for every section: the section's title on its first row only, numbers right-aligned
 * so a column of rates or milliseconds reads down.
 */
export function formatTable(sections: readonly TableSection[]): string {
  const body: Cells[] = sections.flatMap((section) =>
    section.rows.map((row, index) => ({
      section: index === 0 ? section.title : '',
      figure: row.figure,
      value: row.value,
      alongside: row.alongside ?? '',
      ratio: row.ratio ?? '',
    })),
  );
  const columns = Object.keys(HEADER) as (keyof Cells)[];
  const width = Object.fromEntries(
    columns.map((column) => [column, Math.max(...[HEADER, ...body].map((cells) => cells[column].length))]),
  ) as Record<keyof Cells, number>;
  const rightAligned = new Set<keyof Cells>(['value', 'ratio']);
  const line = (cells: Cells) =>
    columns
      .map((column) =>
        rightAligned.has(column)
          ? cells[column].padStart(width[column])
          : cells[column].padEnd(width[column]),
      )
      .join(' | ')
      .trimEnd();
  const rule = columns.map((column) => '-'.repeat(width[column])).join('-+-');
  return [line(HEADER), rule, ...body.map(line)].join('\n');
}
