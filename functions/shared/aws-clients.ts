import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { tracer } from './powertools.ts';

/**
 * SDK clients are built once per container. Endpoints come from the SDK's own configuration
 * (`AWS_ENDPOINT_URL_DYNAMODB` and friends), which is how the local runtime points them at emulators.
 */
export function documentClient(): DynamoDBDocumentClient {
  const client = tracer.captureAWSv3Client(new DynamoDBClient({}));
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}
