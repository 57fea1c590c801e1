import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SfnError } from './errors.ts';
import type { HistoryEventRecord } from './history.ts';
import type {
  ExecutionDescription,
  ExecutionStatus,
  LocalStepFunctions,
  RoutingConfigurationItem,
} from './service.ts';

export interface LocalStepFunctionsServer {
  /** Origin such as http://127.0.0.1:54321, for `endpoint` or AWS_ENDPOINT_URL_SFN. */
  endpoint: string;
  close(): Promise<void>;
}

type JsonObject = Record<string, unknown>;

const TARGET_PREFIX = 'AWSStepFunctions.';
const MAX_REQUEST_BYTES = 1024 * 1024;
const EXECUTION_STATUSES: readonly ExecutionStatus[] = [
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'TIMED_OUT',
  'ABORTED',
];

/**
 * The Step Functions API over HTTP: AWS JSON 1.0 with `X-Amz-Target: AWSStepFunctions.<Operation>`,
 * as @aws-sdk/client-sfn speaks it. Signatures are not checked, so it listens on loopback only.
 */
export async function startLocalStepFunctions(options: {
  service: LocalStepFunctions;
  /** 0 or absent picks a free port. */
  port?: number;
  /** @default 127.0.0.1 */
  host?: string;
}): Promise<LocalStepFunctionsServer> {
  const operations = operationsFor(options.service);
  const server = createServer((request, response) => {
    handle(request, response, operations).catch((error: unknown) => {
      if (!response.headersSent) reply(response, 500, awsError('InternalFailure', String(error)));
      else response.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function handle(
  request: IncomingMessage,
  response: ServerResponse,
  operations: Record<string, (input: JsonObject) => unknown>,
): Promise<void> {
  try {
    const target = String(request.headers['x-amz-target'] ?? '');
    const name = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : '';
    const operation = request.method === 'POST' ? operations[name] : undefined;
    if (operation === undefined) {
      throw new SfnError(
        'UnknownOperationException',
        `Local Step Functions does not support ${name || target}.`,
      );
    }
    const text = (await readBody(request)).toString('utf8');
    const input: unknown = text.trim() === '' ? {} : JSON.parse(text);
    if (!isObject(input))
      throw new SfnError('ValidationException', 'The request body must be a JSON object.');
    reply(response, 200, operation(input));
  } catch (error) {
    if (error instanceof SfnError) return reply(response, 400, awsError(error.type, error.message));
    if (error instanceof SyntaxError)
      return reply(response, 400, awsError('SerializationException', error.message));
    throw error;
  }
}

function operationsFor(service: LocalStepFunctions): Record<string, (input: JsonObject) => unknown> {
  return {
    StartExecution: (input) => {
      const started = service.startExecution({
        stateMachineArn: requiredString(input, 'stateMachineArn'),
        ...optional(input, 'name'),
        ...optional(input, 'input'),
      });
      return { executionArn: started.executionArn, startDate: seconds(started.startDate) };
    },
    DescribeExecution: (input) => {
      const execution = service.describeExecution(requiredString(input, 'executionArn'));
      return {
        ...executionSummary(execution),
        input: execution.input,
        inputDetails: { included: true },
        ...(execution.output !== undefined && {
          output: execution.output,
          outputDetails: { included: true },
        }),
        ...(execution.error !== undefined && { error: execution.error }),
        ...(execution.cause !== undefined && { cause: execution.cause }),
        redriveCount: 0,
        redriveStatus: 'NOT_REDRIVABLE',
      };
    },
    DescribeStateMachineForExecution: (input) => {
      const machine = service.describeStateMachineForExecution(requiredString(input, 'executionArn'));
      return {
        stateMachineArn: machine.stateMachineArn,
        name: machine.name,
        definition: machine.definition,
        roleArn: machine.roleArn,
        updateDate: seconds(machine.updateDate),
        revisionId: machine.revisionId,
        loggingConfiguration: { level: 'OFF', includeExecutionData: false },
        tracingConfiguration: { enabled: false },
      };
    },
    ListExecutions: (input) => {
      const statusFilter = optionalString(input, 'statusFilter');
      if (statusFilter !== undefined && !EXECUTION_STATUSES.includes(statusFilter as ExecutionStatus)) {
        throw new SfnError('ValidationException', `Invalid statusFilter: ${statusFilter}`);
      }
      const executions = service.listExecutions({
        stateMachineArn: requiredString(input, 'stateMachineArn'),
        ...(statusFilter !== undefined && { statusFilter: statusFilter as ExecutionStatus }),
      });
      const { items, nextToken } = page(executions, input);
      return { executions: items.map(executionSummary), ...(nextToken && { nextToken }) };
    },
    StopExecution: (input) => {
      const { stopDate } = service.stopExecution({
        executionArn: requiredString(input, 'executionArn'),
        ...optional(input, 'error'),
        ...optional(input, 'cause'),
      });
      return { stopDate: seconds(stopDate) };
    },
    GetExecutionHistory: (input) => {
      const events = [...service.getExecutionHistory(requiredString(input, 'executionArn'))];
      if (input.reverseOrder === true) events.reverse();
      const includeData = input.includeExecutionData !== false;
      const { items, nextToken } = page(events, input);
      return {
        events: items.map((event) => historyEvent(event, includeData)),
        ...(nextToken && { nextToken }),
      };
    },
    SendTaskSuccess: (input) => {
      service.sendTaskSuccess(requiredString(input, 'taskToken'), requiredString(input, 'output'));
      return {};
    },
    SendTaskFailure: (input) => {
      service.sendTaskFailure(
        requiredString(input, 'taskToken'),
        optionalString(input, 'error'),
        optionalString(input, 'cause'),
      );
      return {};
    },
    SendTaskHeartbeat: (input) => {
      service.sendTaskHeartbeat(requiredString(input, 'taskToken'));
      return {};
    },
    ListStateMachines: (input) => {
      const { items, nextToken } = page(service.listStateMachines(), input);
      return {
        stateMachines: items.map((machine) => ({
          stateMachineArn: machine.stateMachineArn,
          name: machine.name,
          type: machine.type,
          creationDate: seconds(machine.creationDate),
        })),
        ...(nextToken && { nextToken }),
      };
    },
    DescribeStateMachine: (input) => {
      const machine = service.describeStateMachine(requiredString(input, 'stateMachineArn'));
      return {
        ...machine,
        status: 'ACTIVE',
        creationDate: seconds(machine.creationDate),
        loggingConfiguration: { level: 'OFF', includeExecutionData: false },
        tracingConfiguration: { enabled: false },
      };
    },
    UpdateStateMachine: (input) => {
      const updated = service.updateStateMachine({
        stateMachineArn: requiredString(input, 'stateMachineArn'),
        ...optional(input, 'definition'),
        ...optional(input, 'roleArn'),
        ...optional(input, 'versionDescription'),
        ...(input.publish === true && { publish: true }),
      });
      return { ...updated, updateDate: seconds(updated.updateDate) };
    },
    PublishStateMachineVersion: (input) => {
      const published = service.publishStateMachineVersion({
        stateMachineArn: requiredString(input, 'stateMachineArn'),
        ...optional(input, 'revisionId'),
        ...optional(input, 'description'),
      });
      return { ...published, creationDate: seconds(published.creationDate) };
    },
    ListStateMachineVersions: (input) => {
      const versions = service.listStateMachineVersions(requiredString(input, 'stateMachineArn'));
      const { items, nextToken } = page(versions, input);
      return {
        stateMachineVersions: items.map((version) => ({
          ...version,
          creationDate: seconds(version.creationDate),
        })),
        ...(nextToken && { nextToken }),
      };
    },
    DeleteStateMachineVersion: (input) => {
      service.deleteStateMachineVersion(requiredString(input, 'stateMachineVersionArn'));
      return {};
    },
    CreateStateMachineAlias: (input) => {
      const created = service.createStateMachineAlias({
        name: requiredString(input, 'name'),
        ...optional(input, 'description'),
        routingConfiguration: routingConfiguration(input.routingConfiguration),
      });
      return { ...created, creationDate: seconds(created.creationDate) };
    },
    UpdateStateMachineAlias: (input) => {
      const { updateDate } = service.updateStateMachineAlias({
        stateMachineAliasArn: requiredString(input, 'stateMachineAliasArn'),
        ...optional(input, 'description'),
        ...(input.routingConfiguration !== undefined && {
          routingConfiguration: routingConfiguration(input.routingConfiguration),
        }),
      });
      return { updateDate: seconds(updateDate) };
    },
    DescribeStateMachineAlias: (input) => {
      const alias = service.describeStateMachineAlias(requiredString(input, 'stateMachineAliasArn'));
      return {
        ...alias,
        creationDate: seconds(alias.creationDate),
        updateDate: seconds(alias.updateDate),
      };
    },
    ListStateMachineAliases: (input) => {
      const aliases = service.listStateMachineAliases(requiredString(input, 'stateMachineArn'));
      const { items, nextToken } = page(aliases, input);
      return {
        stateMachineAliases: items.map((alias) => ({ ...alias, creationDate: seconds(alias.creationDate) })),
        ...(nextToken && { nextToken }),
      };
    },
    DeleteStateMachineAlias: (input) => {
      service.deleteStateMachineAlias(requiredString(input, 'stateMachineAliasArn'));
      return {};
    },
  };
}

function routingConfiguration(value: unknown): RoutingConfigurationItem[] {
  if (!Array.isArray(value)) throw new SfnError('ValidationException', 'routingConfiguration is required.');
  return value.map((item: unknown) => {
    if (!isObject(item)) throw new SfnError('ValidationException', 'Invalid routingConfiguration.');
    if (typeof item.weight !== 'number') throw new SfnError('ValidationException', 'weight is required.');
    return { stateMachineVersionArn: requiredString(item, 'stateMachineVersionArn'), weight: item.weight };
  });
}

function executionSummary(execution: ExecutionDescription) {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: seconds(execution.startDate),
    ...(execution.stopDate !== undefined && { stopDate: seconds(execution.stopDate) }),
    ...(execution.stateMachineVersionArn !== undefined && {
      stateMachineVersionArn: execution.stateMachineVersionArn,
    }),
    ...(execution.stateMachineAliasArn !== undefined && {
      stateMachineAliasArn: execution.stateMachineAliasArn,
    }),
  };
}

function historyEvent(event: HistoryEventRecord, includeData: boolean): JsonObject {
  const wire: JsonObject = { ...event, timestamp: seconds(event.timestamp) };
  if (includeData) return wire;
  for (const [key, value] of Object.entries(wire)) {
    if (!key.endsWith('EventDetails') || !isObject(value)) continue;
    const { input: _input, output: _output, ...rest } = value;
    wire[key] = rest;
  }
  return wire;
}

/** Offset-based pages; tokens are opaque to clients, as Step Functions' are. */
function page<T>(items: readonly T[], input: JsonObject): { items: T[]; nextToken?: string } {
  const maxResults =
    typeof input.maxResults === 'number' && input.maxResults > 0 ? Math.min(input.maxResults, 1000) : 100;
  const token = optionalString(input, 'nextToken');
  const start =
    token === undefined ? 0 : Number.parseInt(Buffer.from(token, 'base64url').toString('utf8'), 10);
  if (!Number.isInteger(start) || start < 0) throw new SfnError('ValidationException', 'Invalid nextToken.');
  const end = start + maxResults;
  return {
    items: items.slice(start, end),
    ...(end < items.length && { nextToken: Buffer.from(String(end), 'utf8').toString('base64url') }),
  };
}

/** Epoch seconds: the AWS JSON protocols' timestamp format. */
function seconds(milliseconds: number): number {
  return milliseconds / 1000;
}

function requiredString(input: JsonObject, name: string): string {
  const value = optionalString(input, name);
  if (value === undefined) throw new SfnError('ValidationException', `${name} is required.`);
  return value;
}

function optionalString(input: JsonObject, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new SfnError('ValidationException', `${name} must be a string.`);
  return value;
}

function optional<K extends string>(input: JsonObject, name: K): Partial<Record<K, string>> {
  const value = optionalString(input, name);
  return value === undefined ? {} : ({ [name]: value } as Record<K, string>);
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function awsError(type: string, message: string) {
  return { __type: type, message };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) throw new SfnError('ValidationException', 'The request is too large.');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(text),
  });
  response.end(text);
}
