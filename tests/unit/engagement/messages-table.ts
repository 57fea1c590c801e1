import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SentMessageRecord } from '#engagement/domain/ports.ts';
import { type DynaliteServer, startDynalite } from '#local/dynamodb/dynalite-server.ts';
import { ensureTables } from '#local/dynamodb/ensure-tables.ts';

export const MESSAGES_TABLE = 'Messages';
export const PROFILES_TABLE = 'Profiles';
export const STORES_TABLE = 'Stores';

export interface LocalTables {
  dynamodb: DynaliteServer;
  documents: DynamoDBDocumentClient;
  /** Writes the item the send path's `markSent` writes. */
  putSentMessage(message: SentMessageRecord): Promise<void>;
  close(): Promise<void>;
}

/** dynalite with the Messages (pk, sk), Profiles (pk) and Stores (pk) tables, shaped as the stateful stack declares them. */
export async function startLocalTables(): Promise<LocalTables> {
  const dynamodb = await startDynalite();
  const client = new DynamoDBClient({
    endpoint: dynamodb.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureTables(client, [
    {
      TableName: MESSAGES_TABLE,
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
    },
    ...[PROFILES_TABLE, STORES_TABLE].map((TableName) => ({
      TableName,
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }],
      AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' as const }],
      BillingMode: 'PAY_PER_REQUEST' as const,
    })),
  ]);
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    dynamodb,
    documents,
    putSentMessage: async (message) => {
      await documents.send(
        new PutCommand({
          TableName: MESSAGES_TABLE,
          Item: { pk: `SESMESSAGE#${message.messageId}`, sk: 'MESSAGE', ...message },
        }),
      );
    },
    close: async () => {
      client.destroy();
      await dynamodb.close();
    },
  };
}
