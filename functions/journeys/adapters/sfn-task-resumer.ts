import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { TaskResumer } from '../step/ports.ts';

/**
 * SendTaskSuccess and SendTaskFailure; a token whose task already ended (resumed, timed out, stopped)
 * is `gone`, not an error.
 */
export class SfnTaskResumer implements TaskResumer {
  constructor(private readonly client: SFNClient) {}

  async resume(taskToken: string, output: unknown): Promise<'resumed' | 'gone'> {
    const sent = await answered(() =>
      this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })),
    );
    return sent ? 'resumed' : 'gone';
  }

  async fail(taskToken: string, error: string, cause: string): Promise<'failed' | 'gone'> {
    const sent = await answered(() =>
      this.client.send(new SendTaskFailureCommand({ taskToken, error, cause })),
    );
    return sent ? 'failed' : 'gone';
  }
}

async function answered(send: () => Promise<unknown>): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (error) {
    const name = (error as { name?: string }).name;
    if (name === 'TaskTimedOut' || name === 'TaskDoesNotExist' || name === 'InvalidToken') return false;
    throw error;
  }
}
