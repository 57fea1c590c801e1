import { DescribeExecutionCommand, type SFNClient, StopExecutionCommand } from '@aws-sdk/client-sfn';
import type { RunStopper } from '../step/ports.ts';

/**
 * StopExecution of a running run. A run that already ended (completed, exited, stopped) or never
 * existed is `gone`: stopping a finished execution answers without an error, so its status is read
 * first, and a run that completed all its mails is not said to have left early.
 */
export class SfnRunStopper implements RunStopper {
  constructor(private readonly client: SFNClient) {}

  async stop(executionArn: string, cause: string): Promise<'stopped' | 'gone'> {
    try {
      const { status } = await this.client.send(new DescribeExecutionCommand({ executionArn }));
      if (status !== 'RUNNING') return 'gone';
      await this.client.send(new StopExecutionCommand({ executionArn, error: 'JourneyExited', cause }));
      return 'stopped';
    } catch (error) {
      if ((error as { name?: string }).name === 'ExecutionDoesNotExist') return 'gone';
      throw error;
    }
  }
}
