import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';

/**
 * Runs a conditional DynamoDB write: a failed condition is an expected answer (the item exists, a
 * newer version won), not an error; anything else is thrown.
 */
export async function conditionalWrite(
  write: () => Promise<unknown>,
): Promise<'written' | 'condition-failed'> {
  try {
    await write();
    return 'written';
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return 'condition-failed';
    throw error;
  }
}
