import {
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  ResourceInUseException,
} from '@aws-sdk/client-dynamodb';

/** Creates the tables the template declares; existing tables (a persisted data folder) are kept. */
export async function ensureTables(client: DynamoDBClient, tables: CreateTableCommandInput[]): Promise<void> {
  for (const table of tables) {
    try {
      await client.send(new CreateTableCommand(table));
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
}
