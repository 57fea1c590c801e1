import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type DynaliteServer, startDynalite } from '#local/dynamodb/dynalite-server.ts';
import { ensureTables } from '#local/dynamodb/ensure-tables.ts';

export interface LocalDynamoDb {
  dynamodb: DynaliteServer;
  client: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  close(): Promise<void>;
}

/** A table keyed as the stateful stack keys them: `pk`, and `sk` when the table has a sort key. */
export function tableOf(name: string, keys: 'pk' | 'pk+sk') {
  const attributes = keys === 'pk' ? (['pk'] as const) : (['pk', 'sk'] as const);
  return {
    TableName: name,
    KeySchema: attributes.map((AttributeName, index) => ({
      AttributeName,
      KeyType: index === 0 ? ('HASH' as const) : ('RANGE' as const),
    })),
    AttributeDefinitions: attributes.map((AttributeName) => ({ AttributeName, AttributeType: 'S' as const })),
    BillingMode: 'PAY_PER_REQUEST' as const,
  };
}

/** dynalite on loopback with the given tables, and SDK clients pointed at it. */
export async function startLocalDynamoDb(
  tables: ReadonlyArray<ReturnType<typeof tableOf>>,
  options: { meter?: boolean } = {},
): Promise<LocalDynamoDb> {
  const dynamodb = await startDynalite({ meter: options.meter === true });
  const client = new DynamoDBClient({
    endpoint: dynamodb.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureTables(client, [...tables]);
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    dynamodb,
    client,
    documents,
    close: async () => {
      client.destroy();
      await dynamodb.close();
    },
  };
}
