import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Grant, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, type CfnFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Absolute path of the repository root (the folder holding package.json). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** CloudFormation Metadata key on every function's `AWS::Lambda::Function`: entry file, relative to the repo root. */
export const ENTRY_METADATA_KEY = 'storefront-journeys:entry';

/** CloudFormation Metadata key on every function's `AWS::Lambda::Function`: exported handler name in the entry file. */
export const HANDLER_METADATA_KEY = 'storefront-journeys:handler';

/** CloudWatch metrics namespace shared by every function (Powertools EMF). */
export const METRICS_NAMESPACE = 'StorefrontJourneys';

/** Log level read by the Powertools logger. */
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

const PROFILE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:BatchGetItem'];
const PROFILE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem'];

/** How much of a table a function may touch. */
export type TableAccess = 'read' | 'readWrite';

export interface ServiceFunctionProps {
  /** Entry file, relative to the repository root, e.g. `functions/ingest/handlers/own-events.ts`. */
  readonly entry: string;
  /** Bounded context the function belongs to; becomes `POWERTOOLS_SERVICE_NAME`, e.g. `ingest`. */
  readonly serviceName: string;
  /**
   * Name of the exported handler in the entry file.
   * @default 'handler'
   */
  readonly handler?: string;
  /**
   * What the function does, shown in the Lambda console.
   * @default - no description
   */
  readonly description?: string;
  /**
   * Memory in MB.
   * @default 512
   */
  readonly memorySize?: number;
  /**
   * Maximum run time of one invocation.
   * @default Duration.seconds(10)
   */
  readonly timeout?: Duration;
  /**
   * Powertools log level (`LOG_LEVEL`).
   * @default 'INFO'
   */
  readonly logLevel?: LogLevel;
  /**
   * How long the function's log group keeps events.
   * @default RetentionDays.ONE_MONTH
   */
  readonly logRetention?: RetentionDays;
  /**
   * Extra environment variables. Prefer the `bind*` helpers for resources, so the grant comes with the name.
   * @default - only the common Powertools / Node variables
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Concurrent executions reserved for (and so the most allowed to) the function.
   * @default - none reserved: the account's unreserved pool
   */
  readonly reservedConcurrentExecutions?: number;
}

/**
 * A Node.js 22 / arm64 Lambda function with the settings every function in this project shares:
 * local esbuild bundling to minified ESM with source maps, active X-Ray tracing, its own log group
 * with retention, its own role without managed policies, and the Powertools environment.
 *
 * Resources are bound with `bind*` helpers, each of which sets the environment variable and the
 * matching least-privilege grant together.
 *
 * The entry file (relative to the repo root) is written to the function's CloudFormation Metadata
 * under {@link ENTRY_METADATA_KEY}, so tools reading `cdk.out` can run the same handler locally.
 */
export class ServiceFunction extends Construct {
  /** The underlying Lambda function. */
  readonly function: NodejsFunction;
  /** The function's execution role; grants from `bind*` land in its default policy. */
  readonly role: Role;
  /** The function's log group. */
  readonly logGroup: LogGroup;
  /** Entry file, relative to the repository root. */
  readonly entry: string;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    if (isAbsolute(props.entry)) {
      throw new Error(`ServiceFunction entry must be relative to the repository root, got ${props.entry}`);
    }
    this.entry = props.entry;
    const handler = props.handler ?? 'handler';

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Own role instead of the default one: no AWSLambdaBasicExecutionRole managed policy (cdk-nag IAM4),
    // log writes scoped to this function's log group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${this.node.path}`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      entry: join(PROJECT_ROOT, props.entry),
      handler,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracing: Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      description: props.description,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        // X-Ray keeps what it captures for 30 days; responses carry personal data (an unsubscribe
        // page names the address), so traces record timings and errors, never response bodies.
        POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
        LOG_LEVEL: props.logLevel ?? 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        minify: true,
        sourceMap: true,
        format: OutputFormat.ESM,
        target: 'node22',
        mainFields: ['module', 'main'],
        // ESM output has no `require`; some CommonJS dependencies still call it.
        banner:
          "import { createRequire as __sjCreateRequire } from 'node:module'; const require = __sjCreateRequire(import.meta.url);",
        forceDockerBundling: false,
      },
    });

    const cfnFunction = this.function.node.defaultChild as CfnFunction;
    cfnFunction.addMetadata(ENTRY_METADATA_KEY, props.entry);
    cfnFunction.addMetadata(HANDLER_METADATA_KEY, handler);

    const defaultPolicy = this.role.node.tryFindChild('DefaultPolicy');
    if (defaultPolicy !== undefined) {
      Validations.of(defaultPolicy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions (Resource "*" is the only option). Every other statement in this policy is scoped to a resource ARN.',
      });
    }
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The project targets the Node.js 22 runtime deliberately: it matches the toolchain (node_modules/.bin/node is 22), the esbuild target and the local runtime. Moving to a newer runtime is a planned, tested change, not a silent bump.',
    });
  }

  /** Adds `EVENT_BUS_NAME` and allows `events:PutEvents` on that bus only. */
  bindEventBus(bus: IEventBus): this {
    this.function.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
    bus.grantPutEventsTo(this.function);
    return this;
  }

  /** Adds `PROFILES_TABLE_NAME` and grants read or read/write data access on that table only. */
  bindProfilesTable(table: ITable, access: TableAccess): this {
    this.function.addEnvironment('PROFILES_TABLE_NAME', table.tableName);
    // Item actions on the table itself: CDK's grantRead/WriteData would add `<table>/index/*` too.
    const actions =
      access === 'readWrite' ? [...PROFILE_READ_ACTIONS, ...PROFILE_WRITE_ACTIONS] : PROFILE_READ_ACTIONS;
    Grant.addToPrincipal({ grantee: this.function, actions, resourceArns: [table.tableArn] });
    return this;
  }

  /** Adds `DORMANT_ON_INDEX` and allows `dynamodb:Query` on that one index of the profiles table. */
  bindProfilesIndex(table: ITable, indexName: string): this {
    this.function.addEnvironment('DORMANT_ON_INDEX', indexName);
    Grant.addToPrincipal({
      grantee: this.function,
      actions: ['dynamodb:Query'],
      resourceArns: [`${table.tableArn}/index/${indexName}`],
    });
    return this;
  }

  /** Adds `MESSAGES_TABLE_NAME` and grants item reads, writes and per-customer queries on that table only. */
  bindMessagesTable(table: ITable): this {
    this.function.addEnvironment('MESSAGES_TABLE_NAME', table.tableName);
    Grant.addToPrincipal({
      grantee: this.function,
      actions: [...PROFILE_READ_ACTIONS, ...PROFILE_WRITE_ACTIONS, 'dynamodb:Query'],
      resourceArns: [table.tableArn],
    });
    return this;
  }

  /**
   * Adds `SOURCE_QUEUE_URL` (the queue the function's event source mapping reads) and allows
   * `sqs:ChangeMessageVisibility` on that queue only, so the function can hand back a message no retry
   * will fix and it reaches the dead-letter queue in seconds. The mapping's own grant includes the action
   * too; this one keeps the function's need stated where the need is bound.
   */
  bindSourceQueue(queue: IQueue): this {
    this.function.addEnvironment('SOURCE_QUEUE_URL', queue.queueUrl);
    Grant.addToPrincipal({
      grantee: this.function,
      actions: ['sqs:ChangeMessageVisibility'],
      resourceArns: [queue.queueArn],
    });
    return this;
  }

  /**
   * Adds `PROFILES_TABLE_NAME` and `MESSAGES_TABLE_NAME` for the erasure: reads and deletes profile
   * items and writes tombstones; queries and deletes a customer's Messages items.
   */
  bindErasableTables(profiles: ITable, messages: ITable): this {
    this.function.addEnvironment('PROFILES_TABLE_NAME', profiles.tableName);
    this.function.addEnvironment('MESSAGES_TABLE_NAME', messages.tableName);
    const deletes = ['dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
    Grant.addToPrincipal({
      grantee: this.function,
      actions: [...PROFILE_READ_ACTIONS, 'dynamodb:PutItem', ...deletes],
      resourceArns: [profiles.tableArn],
    });
    Grant.addToPrincipal({
      grantee: this.function,
      actions: ['dynamodb:Query', ...deletes],
      resourceArns: [messages.tableArn],
    });
    return this;
  }

  /**
   * Adds `STORES_TABLE_NAME` and allows `dynamodb:GetItem` of store records only (`STORE#…` keys, not
   * API keys), for a function that needs a store's settings and nothing else of the table.
   */
  bindStoreRecords(table: ITable, attributes?: readonly string[]): this {
    return this.getItemsOf(table, ['STORE#*'], attributes);
  }

  /**
   * Adds `STORES_TABLE_NAME` and allows `dynamodb:GetItem` of store records and API-key records
   * (`STORE#…`, `KEY#…`) only: what authenticating a request reads. No Scan, no Query.
   */
  bindStoresTable(table: ITable): this {
    return this.getItemsOf(table, ['STORE#*', 'KEY#*']);
  }

  private getItemsOf(table: ITable, leadingKeys: string[], attributes?: readonly string[]): this {
    this.function.addEnvironment('STORES_TABLE_NAME', table.tableName);
    this.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:GetItem'],
        resources: [table.tableArn],
        conditions: {
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeys },
          // Only the named attributes, and only by asking for them (a projection).
          ...(attributes !== undefined && {
            'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...attributes] },
            StringEqualsIfExists: { 'dynamodb:Select': 'SPECIFIC_ATTRIBUTES' },
          }),
        },
      }),
    );
    return this;
  }
}
