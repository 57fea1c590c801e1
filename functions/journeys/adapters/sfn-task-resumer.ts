import { SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { TaskResumer } from '../step/ports.ts';

/** SendTaskSuccess; a token whose task already ended (resumed, timed out, stopped) is `gone`, not an error. */
export class SfnTaskResumer implements TaskResumer {
  constructor(private readonly client: SFNClient) {}

  async resume(taskToken: string, output: unknown): Promise<'resumed' | 'gone'> {
    try {
      await this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
      return 'resumed';
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'TaskTimedOut' || name === 'TaskDoesNotExist' || name === 'InvalidToken') return 'gone';
      throw error;
    }
  }
}
