import { describe, expect, it } from 'vitest';
import { normaliseSegmentTimestamp } from '#ingest/domain/segment/segment-timestamp.ts';

describe('Function: normaliseSegmentTimestamp', () => {
  it.each([
    ['2012-12-02T00:30:08.276Z', '2012-12-02T00:30:08.276Z'],
    ['2015-2-02T00:30:08.276Z', '2015-02-02T00:30:08.276Z'],
    ['2024-06-01T12:30:00+02:00', '2024-06-01T10:30:00.000Z'],
    ['2024-06-01T12:30:00+0200', '2024-06-01T10:30:00.000Z'],
    ['2024-06-01T01:30:00-05', '2024-06-01T06:30:00.000Z'],
    ['2024-06-01 10:30:00Z', '2024-06-01T10:30:00.000Z'],
    ['2024-06-01T10:30:00', '2024-06-01T10:30:00.000Z'],
    ['2024-06-01T10:30', '2024-06-01T10:30:00.000Z'],
    ['2024-06-01', '2024-06-01T00:00:00.000Z'],
    ['2023-03-29T18:00:27.877041743Z', '2023-03-29T18:00:27.877Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2024-12-31T23:30:00-01:00', '2025-01-01T00:30:00.000Z'],
    ['0099-01-01T00:00:00Z', '0099-01-01T00:00:00.000Z'],
  ])('reads %s as %s', (text, expected) => {
    // Prepare: the text is given per case.

    // Act
    const normalised = normaliseSegmentTimestamp(text);

    // Assess
    expect(normalised).toBe(expected);
  });

  it.each([
    ['a day the month does not have', '2015-02-30T00:00:00Z'],
    ['29 February outside a leap year', '2023-02-29T00:00:00Z'],
    ['month 13', '2024-13-01T00:00:00Z'],
    ['hour 24', '2024-06-01T24:00:00Z'],
    ['a bad offset', '2024-06-01T10:00:00+25:00'],
    ['words that Date would guess at', 'March 7'],
    ['a date with slashes', '2015/02/02'],
    ['a date string in the JS toString style', 'Tue Feb 02 2015'],
    ['epoch milliseconds', '1717236000000'],
    ['an empty string', ''],
  ])('rejects %s', (_, text) => {
    // Prepare: the text is given per case.

    // Act
    const normalised = normaliseSegmentTimestamp(text);

    // Assess
    expect(normalised).toBeUndefined();
  });
});
