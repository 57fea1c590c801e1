/** The clients a function builds from each SDK package, as its adapters build them (functions/shared/aws-clients.ts). */
const SDK_CLIENTS: Record<string, { label: string; imports: string; construct: string }> = {
  '@aws-sdk/client-eventbridge': {
    label: 'EventBridge',
    imports: "import { EventBridgeClient } from '@aws-sdk/client-eventbridge';",
    construct: 'new EventBridgeClient({})',
  },
  '@aws-sdk/client-sesv2': {
    label: 'SESv2',
    imports: "import { SESv2Client } from '@aws-sdk/client-sesv2';",
    construct: 'new SESv2Client({})',
  },
  '@aws-sdk/client-sfn': {
    label: 'SFN',
    imports: "import { SFNClient } from '@aws-sdk/client-sfn';",
    construct: 'new SFNClient({})',
  },
  '@aws-sdk/client-sqs': {
    label: 'SQS',
    imports: "import { SQSClient } from '@aws-sdk/client-sqs';",
    construct: 'new SQSClient({})',
  },
};
const DYNAMODB = '@aws-sdk/client-dynamodb';
const DOCUMENT_CLIENT = '@aws-sdk/lib-dynamodb';

export interface BaselineModule {
  /** The clients, e.g. `DynamoDB + DocumentClient, EventBridge`. */
  label: string;
  source: string;
}

/**
 * A module that only constructs the SDK v3 clients a function's bundle imports, the way the function
 * constructs them, and exports a handler so it loads like one.
 */
export function baselineModule(sdkPackages: readonly string[]): BaselineModule {
  const imports: string[] = [];
  const clients: string[] = [];
  const labels: string[] = [];
  const packages = new Set(sdkPackages);
  if (packages.has(DYNAMODB) || packages.has(DOCUMENT_CLIENT)) {
    imports.push(`import { DynamoDBClient } from '${DYNAMODB}';`);
    clients.push('dynamodb');
    if (packages.has(DOCUMENT_CLIENT)) {
      imports.push(`import { DynamoDBDocumentClient } from '${DOCUMENT_CLIENT}';`);
      clients.push(
        'DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } })',
      );
      labels.push('DynamoDB + DocumentClient');
    } else {
      labels.push('DynamoDB');
    }
  }
  for (const name of [...packages].sort()) {
    if (name === DYNAMODB || name === DOCUMENT_CLIENT) continue;
    const client = SDK_CLIENTS[name];
    if (client === undefined) {
      throw new Error(`no baseline client for ${name}: add it to SDK_CLIENTS in bench/baseline-module.ts`);
    }
    imports.push(client.imports);
    clients.push(client.construct);
    labels.push(client.label);
  }
  const source = [
    ...imports,
    ...(clients.includes('dynamodb') ? ['const dynamodb = new DynamoDBClient({});'] : []),
    `export const clients = [${clients.join(', ')}];`,
    'export const handler = async () => clients.length;',
    '',
  ].join('\n');
  return { label: labels.join(', ') || 'no SDK client', source };
}
