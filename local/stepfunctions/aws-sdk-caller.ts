import type { CallService } from './service.ts';

/** The SDK clients a local state machine may call through service integrations, by service name in the ARN. */
const CLIENTS: Record<string, { module: string; client: string }> = {
  dynamodb: { module: '@aws-sdk/client-dynamodb', client: 'DynamoDBClient' },
  sqs: { module: '@aws-sdk/client-sqs', client: 'SQSClient' },
  eventbridge: { module: '@aws-sdk/client-eventbridge', client: 'EventBridgeClient' },
  sesv2: { module: '@aws-sdk/client-sesv2', client: 'SESv2Client' },
  sfn: { module: '@aws-sdk/client-sfn', client: 'SFNClient' },
};

type SdkModule = Record<string, new (input: unknown) => unknown>;
type SdkClient = { send(command: unknown): Promise<Record<string, unknown>> };

/**
 * Service integrations (`dynamodb:putItem`, `aws-sdk:sqs:sendMessage`) as the same AWS SDK v3 calls
 * Step Functions makes, sent to the local endpoints. Parameters and results keep the API's own
 * shapes (DynamoDB JSON, PascalCase), as in the cloud.
 */
export function createServiceCaller(options: {
  endpoints: Record<string, string>;
  region: string;
}): CallService {
  const clients = new Map<string, Promise<{ module: SdkModule; client: SdkClient }>>();
  const clientFor = (service: string) => {
    const known = CLIENTS[service];
    const endpoint = options.endpoints[service];
    if (known === undefined || endpoint === undefined) {
      throw new Error(`the local runtime has no endpoint for the ${service} service integration`);
    }
    let entry = clients.get(service);
    if (entry === undefined) {
      entry = import(known.module).then((module: SdkModule) => {
        const Client = module[known.client] as new (input: unknown) => SdkClient;
        const client = new Client({
          endpoint,
          region: options.region,
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        });
        return { module, client };
      });
      clients.set(service, entry);
    }
    return entry;
  };
  return async (service, action, parameters) => {
    const { module, client } = await clientFor(service);
    const Command = module[`${action.charAt(0).toUpperCase()}${action.slice(1)}Command`];
    if (Command === undefined) throw new Error(`${service} has no action ${action}`);
    const { $metadata: _metadata, ...output } = await client.send(new Command(parameters ?? {}));
    return output;
  };
}
