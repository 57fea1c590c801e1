import type { HistoryEventType } from '@aws-sdk/client-sfn';
import type { EngineEvent } from './engine-protocol.ts';

/** One entry of `GetExecutionHistory`, before timestamps are turned into epoch seconds on the wire. */
export interface HistoryEventRecord {
  id: number;
  previousEventId: number;
  /** Virtual epoch milliseconds. */
  timestamp: number;
  type: HistoryEventType;
  [detailsKey: `${string}EventDetails`]: Record<string, unknown>;
}

export interface HistoryEntry {
  type: HistoryEventType;
  timestamp: number;
  details?: { key: `${string}EventDetails`; value: Record<string, unknown> };
}

const NOT_TRUNCATED = { truncated: false };

/** The events of one execution, numbered as Step Functions numbers them. */
export class ExecutionHistory {
  readonly events: HistoryEventRecord[] = [];

  add(entry: HistoryEntry): void {
    const id = this.events.length + 1;
    this.events.push({
      id,
      previousEventId: id - 1,
      timestamp: entry.timestamp,
      type: entry.type,
      ...(entry.details && { [entry.details.key]: entry.details.value }),
    } as HistoryEventRecord);
  }
}

export function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}

/**
 * The Step Functions history entries for one event of the engine. Task progress (scheduled, started,
 * succeeded…) is recorded by the service, which sees the invocations; execution start and stop are
 * recorded by the service too, so an execution stopped early still has a complete history.
 */
export function historyEntriesFor(event: EngineEvent): HistoryEntry[] {
  const at = event.timestamp;
  switch (event.type) {
    case 'StateEntered':
      if (event.state === undefined) return [];
      return [
        {
          type: `${event.state.type}StateEntered` as HistoryEventType,
          timestamp: at,
          details: {
            key: 'stateEnteredEventDetails',
            value: { name: event.state.name, input: json(event.state.input), inputDetails: NOT_TRUNCATED },
          },
        },
      ];
    case 'StateExited':
      if (event.state === undefined) return [];
      return [
        {
          type: `${event.state.type}StateExited` as HistoryEventType,
          timestamp: at,
          details: {
            key: 'stateExitedEventDetails',
            value: { name: event.state.name, output: json(event.state.output), outputDetails: NOT_TRUNCATED },
          },
        },
      ];
    case 'MapIterationStarted':
    case 'MapIterationSucceeded':
    case 'MapIterationFailed': {
      const key = `mapIteration${event.type.slice('MapIteration'.length)}EventDetails` as const;
      return [
        {
          type: event.type,
          timestamp: at,
          details: { key, value: { name: event.parentState?.name ?? '', index: event.index ?? 0 } },
        },
      ];
    }
    case 'ExecutionSucceeded':
      return [
        {
          type: 'ExecutionSucceeded',
          timestamp: at,
          details: {
            key: 'executionSucceededEventDetails',
            value: { output: json(event.output), outputDetails: NOT_TRUNCATED },
          },
        },
      ];
    case 'ExecutionFailed':
      return [
        {
          type: 'ExecutionFailed',
          timestamp: at,
          details: {
            key: 'executionFailedEventDetails',
            value: { error: event.Error ?? '', cause: causeText(event.Cause) },
          },
        },
      ];
    case 'ExecutionTimeout':
      return [
        {
          type: 'ExecutionTimedOut',
          timestamp: at,
          details: {
            key: 'executionTimedOutEventDetails',
            value: { error: 'States.Timeout', cause: 'The execution ran longer than its TimeoutSeconds.' },
          },
        },
      ];
    default:
      // ExecutionStarted/Aborted are written by the service; StateFailed, StateRetried, StateCaught
      // and Parallel branch events have no history event of their own in Step Functions.
      return [];
  }
}

export function causeText(cause: unknown): string {
  if (cause === undefined || cause === null) return '';
  return typeof cause === 'string' ? cause : JSON.stringify(cause);
}
