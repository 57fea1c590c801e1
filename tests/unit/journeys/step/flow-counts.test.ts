import { describe, expect, it } from 'vitest';
import { nodeAnswer } from '#journeys/step/contract.ts';
import { flowTallyOf, nextWaitTallyOf } from '#journeys/step/flow-counts.ts';

const NOW = new Date('2026-03-01T09:00:00.000Z');

describe('Function: flowTallyOf', () => {
  it('counts entrants at enter, and the held-out ones besides', () => {
    expect(flowTallyOf('enter', nodeAnswer.continue('entered:treated'), NOW)).toEqual({
      node: 'enter',
      names: ['entered'],
    });
    expect(flowTallyOf('enter', nodeAnswer.continue('entered:heldout'), NOW)).toEqual({
      node: 'enter',
      names: ['entered', 'heldout'],
    });
  });

  it('counts a run as waiting at a wait node until its wait ends, by date or by seconds', () => {
    expect(
      flowTallyOf('first-wait', nodeAnswer.until(new Date('2026-03-01T10:00:00Z'), 'wait'), NOW),
    ).toEqual({
      node: 'first-wait',
      names: ['passed'],
      waitingUntil: '2026-03-01T10:00:00.000Z',
    });
    expect(flowTallyOf('first-wait', nodeAnswer.continue('wait', { waitSeconds: 3600 }), NOW)).toEqual({
      node: 'first-wait',
      names: ['passed'],
      waitingUntil: '2026-03-01T10:00:00.000Z',
    });
  });

  it('does not count a wait that already ended as waiting', () => {
    expect(flowTallyOf('until-10', nodeAnswer.until(new Date('2026-03-01T08:00:00Z'), 'wait'), NOW)).toEqual({
      node: 'until-10',
      names: ['passed'],
    });
  });

  it('counts sends, skips, deferrals, branches and exits by reason', () => {
    const until = new Date('2026-03-01T12:00:00Z');
    expect(
      [
        nodeAnswer.sent('ses-1'),
        nodeAnswer.skipped('frequency-cap'),
        nodeAnswer.deferred(until, 'quiet-hours'),
        nodeAnswer.branch('review-request'),
        nodeAnswer.exited('ordered'),
      ].map((answer) => flowTallyOf('node', answer, NOW)),
    ).toEqual([
      { node: 'node', names: ['sent'] },
      { node: 'node', names: ['skipped:frequency-cap'] },
      { node: 'node', names: ['deferred:quiet-hours'], waitingUntil: '2026-03-01T12:00:00.000Z' },
      { node: 'node', names: ['to:review-request'] },
      { node: 'node', names: ['exited:ordered'] },
    ]);
  });

  it('counts an experiment node per variant as well as in total', () => {
    expect(flowTallyOf('last-chance', nodeAnswer.sent('ses-2'), NOW, 'ten-off')).toEqual({
      node: 'last-chance',
      names: ['sent', 'sent@ten-off'],
    });
    expect(flowTallyOf('last-chance', nodeAnswer.skipped('suppressed'), NOW, 'free-ship')).toEqual({
      node: 'last-chance',
      names: ['skipped:suppressed', 'skipped:suppressed@free-ship'],
    });
  });
});

describe('Function: nextWaitTallyOf', () => {
  const nextWait = { node: 'wait-2', seconds: 86_400 };

  it('counts a run as waiting in the fixed wait it goes on to', () => {
    for (const answer of [
      nodeAnswer.sent('ses-1'),
      nodeAnswer.skipped('suppressed'),
      nodeAnswer.continue('event'),
    ]) {
      expect(nextWaitTallyOf(answer, nextWait, NOW)).toEqual({
        node: 'wait-2',
        names: ['passed'],
        waitingUntil: '2026-03-02T09:00:00.000Z',
      });
    }
  });

  it('counts nothing when the run does not go on yet, branches, or has no fixed wait next', () => {
    const until = new Date('2026-03-01T12:00:00Z');
    for (const answer of [
      nodeAnswer.deferred(until, 'quiet-hours'),
      nodeAnswer.until(until, 'waiting'),
      nodeAnswer.branch('review-request'),
      nodeAnswer.exited('ordered'),
    ]) {
      expect(nextWaitTallyOf(answer, nextWait, NOW)).toBeUndefined();
    }
    expect(nextWaitTallyOf(nodeAnswer.sent('ses-1'), undefined, NOW)).toBeUndefined();
  });
});
