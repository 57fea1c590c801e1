import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { SentMessageRecord } from '#engagement/domain/ports.ts';
import type { DynaliteServer } from '#local/dynamodb/dynalite-server.ts';
import { startLocalDynamoDb, tableOf } from '#tests/helpers/local-dynamodb.ts';

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
  const { dynamodb, documents, close } = await startLocalDynamoDb([
    tableOf(MESSAGES_TABLE, 'pk+sk'),
    tableOf(PROFILES_TABLE, 'pk'),
    tableOf(STORES_TABLE, 'pk'),
  ]);
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
    close,
  };
}
