import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkSegmentFile, segmentFiles, segmentJsonSchema } from '#infra/segments/definitions.ts';
import { formatProblem } from '#journeys/definition/definition-file.ts';
import { loadSegment } from '#segments/definition/segment.ts';

describe('Function: loadSegment', () => {
  it('reads a segment file in the journeys’ condition language', () => {
    const result = loadSegment(
      'segments/lapsed-tea-lovers.segment.yaml',
      [
        'id: lapsed-tea-lovers',
        'name: Tea lovers without an order in 60 days',
        'where:',
        '  profile.categoryAffinity.tea: { gte: 3 }',
        '  profile.lifecycle.lastOrderAt: { notWithin: 60d }',
      ].join('\n'),
    );

    expect(result).toEqual({
      ok: true,
      definition: {
        id: 'lapsed-tea-lovers',
        name: 'Tea lovers without an order in 60 days',
        where: {
          'profile.categoryAffinity.tea': { gte: 3 },
          'profile.lifecycle.lastOrderAt': { notWithin: '60d' },
        },
      },
    });
  });

  it('names the file, line, path and problem: a bad test, an event path, a misnamed file', () => {
    const bad = loadSegment(
      'segments/vips.segment.yaml',
      [
        'id: vip',
        'name: VIPs',
        'where:',
        '  data.total: { gte: 100 }',
        '  profile.orderSummary.count: { atLeast: 2 }',
      ].join('\n'),
    );
    const misnamed = loadSegment(
      'segments/vips.segment.yaml',
      ['id: vip', 'name: VIPs', 'where:', '  data.total: { gte: 100 }'].join('\n'),
    );

    expect(bad.ok).toBe(false);
    expect(bad.ok ? [] : bad.problems.map(formatProblem)).toEqual([
      'segments/vips.segment.yaml:5: where.profile.orderSummary.count: has unknown field(s) atLeast',
      'segments/vips.segment.yaml:5: where.profile.orderSummary.count: names no test: use one of equals, in, exists, gt, gte, lt, lte, within, notWithin, contains, nonEmpty',
    ]);
    expect(misnamed.ok ? [] : misnamed.problems.map(formatProblem)).toEqual([
      'segments/vips.segment.yaml:3: where: reads data.total: a segment reads profile.… or messages.… (there is no triggering event)',
      'segments/vips.segment.yaml:1: id: is vip, but the file is named for vips',
    ]);
  });
});

describe('The shipped segments', () => {
  it('are valid, one per file named for its id', () => {
    const results = segmentFiles().map((file) => checkSegmentFile(file));

    expect(
      results.map((result) => (result.ok ? result.definition.id : result.problems.map(formatProblem))),
    ).toEqual(['dormant', 'first-time-buyers', 'vip']);
  });

  it('keep segments/segment.schema.json as the definition schema generates it (npm run journeys -- segment schema)', () => {
    const committed = readFileSync(new URL('../../../segments/segment.schema.json', import.meta.url), 'utf8');

    expect(committed).toBe(segmentJsonSchema());
    expect(JSON.parse(committed).required).toEqual(['id', 'name', 'where']);
  });
});
