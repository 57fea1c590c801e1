import { isAbsolute, join } from 'node:path';
import type { CreateTableCommandInput, Projection } from '@aws-sdk/client-dynamodb';
import type { RuleDefinition } from '../eventbridge/event-bus.ts';
import type { LocalFunctionDefinition } from '../lambda/function-pool.ts';
import { resolveDefinition } from '../stepfunctions/resolve-definition.ts';
import type {
  LocalStateMachineAliasDefinition,
  LocalStateMachineDefinition,
  LocalStateMachineVersionDefinition,
} from '../stepfunctions/service.ts';
import { type LocalEnvironment, type StackTemplate, TemplateResolver } from './intrinsics.ts';

/** Metadata key the ServiceFunction construct writes on every function (see infra/constructs). */
const ENTRY_METADATA_KEY = 'storefront-journeys:entry';

export interface QueueDefinition {
  name: string;
  arn: string;
  visibilityTimeoutSeconds: number;
  redrive?: { deadLetterQueueName: string; maxReceiveCount: number };
}

export interface EventSourceMappingDefinition {
  functionId: string;
  queueName: string;
  batchSize: number;
  maximumBatchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
}

export interface ScheduleDefinition {
  name: string;
  /** `cron(…)` or `rate(…)`, as EventBridge Scheduler takes it. */
  expression: string;
  timeZone: string;
  targetFunctionId: string;
  input: unknown;
}

export interface RouteDefinition {
  routeKey: string;
  functionId: string;
}

/** Everything the local runtime starts, as the synthesized template declares it. */
export interface LocalTopology {
  tables: CreateTableCommandInput[];
  buses: string[];
  archivedBuses: string[];
  queues: QueueDefinition[];
  rules: RuleDefinition[];
  functions: LocalFunctionDefinition[];
  eventSourceMappings: EventSourceMappingDefinition[];
  routes: RouteDefinition[];
  stateMachines: LocalStateMachineDefinition[];
  /** `AWS::StepFunctions::StateMachineVersion`: each has its state machine's definition. */
  stateMachineVersions: LocalStateMachineVersionDefinition[];
  /** `AWS::StepFunctions::StateMachineAlias`, routing to those versions. */
  stateMachineAliases: LocalStateMachineAliasDefinition[];
  schedules: ScheduleDefinition[];
  resolver: TemplateResolver;
}

export function readTopology(
  stacks: StackTemplate[],
  env: LocalEnvironment,
  projectRoot: string,
): LocalTopology {
  const resolver = new TemplateResolver(stacks, env);
  const props = (entry: { resource: { Properties?: Record<string, unknown> }; stack: StackTemplate }) =>
    resolver.resolve(entry.resource.Properties ?? {}, entry.stack) as Record<string, unknown>;
  const nameFromArn = (arn: unknown) => String(arn).split(/[:/]/).pop() as string;

  const tables = [
    ...resolver.ofType('AWS::DynamoDB::Table'),
    ...resolver.ofType('AWS::DynamoDB::GlobalTable'),
  ].map((entry): CreateTableCommandInput => {
    const p = props(entry);
    const indexes = (p.GlobalSecondaryIndexes as Array<Record<string, unknown>> | undefined)?.map(
      (index) => ({
        IndexName: index.IndexName as string,
        KeySchema: index.KeySchema as CreateTableCommandInput['KeySchema'],
        Projection: index.Projection as Projection,
      }),
    );
    return {
      TableName: resolver.physicalName(entry.id),
      KeySchema: p.KeySchema as CreateTableCommandInput['KeySchema'],
      AttributeDefinitions: p.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
      BillingMode: 'PAY_PER_REQUEST',
      ...(indexes && indexes.length > 0 && { GlobalSecondaryIndexes: indexes }),
    };
  });

  const buses = resolver.ofType('AWS::Events::EventBus').map((entry) => resolver.physicalName(entry.id));
  const archivedBuses = resolver
    .ofType('AWS::Events::Archive')
    .map((entry) => nameFromArn(props(entry).SourceArn));

  const queues = resolver.ofType('AWS::SQS::Queue').map((entry): QueueDefinition => {
    const p = props(entry);
    const redrive = p.RedrivePolicy as { deadLetterTargetArn: string; maxReceiveCount: number } | undefined;
    return {
      name: resolver.physicalName(entry.id),
      arn: resolver.arn(entry.id),
      visibilityTimeoutSeconds: Number(p.VisibilityTimeout ?? 30),
      ...(redrive && {
        redrive: {
          deadLetterQueueName: nameFromArn(redrive.deadLetterTargetArn),
          maxReceiveCount: Number(redrive.maxReceiveCount),
        },
      }),
    };
  });

  const rules = resolver
    .ofType('AWS::Events::Rule')
    .map((entry) => props(entry))
    .filter((p) => p.State !== 'DISABLED' && p.EventPattern !== undefined)
    .map(
      (p): RuleDefinition => ({
        name: String(p.Name ?? ''),
        busName: nameFromArn(p.EventBusName ?? 'default'),
        pattern: p.EventPattern,
        targets: ((p.Targets as Array<Record<string, unknown>>) ?? []).map((target) => ({
          id: String(target.Id),
          arn: String(target.Arn),
          ...(p.Name !== undefined && { ruleName: String(p.Name) }),
          ...((target.DeadLetterConfig as { Arn?: string } | undefined)?.Arn && {
            deadLetterArn: String((target.DeadLetterConfig as { Arn: string }).Arn),
          }),
          ...(target.Input !== undefined && { input: String(target.Input) }),
          ...(target.InputPath !== undefined && { inputPath: String(target.InputPath) }),
          ...(target.InputTransformer !== undefined && {
            inputTransformer: target.InputTransformer as {
              InputPathsMap?: Record<string, string>;
              InputTemplate: string;
            },
          }),
        })),
      }),
    );

  const functions = resolver
    .ofType('AWS::Lambda::Function')
    .filter((entry) => typeof entry.resource.Metadata?.[ENTRY_METADATA_KEY] === 'string')
    .map((entry): LocalFunctionDefinition => {
      const p = props(entry);
      const relativeEntry = String(entry.resource.Metadata?.[ENTRY_METADATA_KEY]);
      const variables = ((p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
        {}) as Record<string, unknown>;
      return {
        logicalId: entry.id,
        entry: isAbsolute(relativeEntry) ? relativeEntry : join(projectRoot, relativeEntry),
        environment: Object.fromEntries(
          Object.entries(variables).map(([name, value]) => [name, String(value)]),
        ),
        timeoutSeconds: Number(p.Timeout ?? 3),
        memoryMb: Number(p.MemorySize ?? 128),
      };
    });

  const eventSourceMappings = resolver
    .ofType('AWS::Lambda::EventSourceMapping')
    .map((entry): EventSourceMappingDefinition => {
      const p = props(entry);
      return {
        functionId: String(p.FunctionName),
        queueName: nameFromArn(p.EventSourceArn),
        batchSize: Number(p.BatchSize ?? 10),
        maximumBatchingWindowSeconds: Number(p.MaximumBatchingWindowInSeconds ?? 0),
        reportBatchItemFailures: ((p.FunctionResponseTypes as string[] | undefined) ?? []).includes(
          'ReportBatchItemFailures',
        ),
      };
    });

  const integrations = new Map(
    resolver
      .ofType('AWS::ApiGatewayV2::Integration')
      .map((entry) => [entry.id, nameFromArn(props(entry).IntegrationUri)]),
  );
  const routes = resolver.ofType('AWS::ApiGatewayV2::Route').map((entry): RouteDefinition => {
    const target = String(props(entry).Target ?? '');
    const integrationId = target.replace(/^integrations\//, '');
    const functionId = integrations.get(integrationId);
    if (functionId === undefined) throw new Error(`route ${entry.id} has no Lambda integration`);
    return { routeKey: String(props(entry).RouteKey), functionId };
  });

  const stateMachines = resolver
    .ofType('AWS::StepFunctions::StateMachine')
    .map((entry): LocalStateMachineDefinition => {
      const p = props(entry);
      const substitutions = Object.fromEntries(
        Object.entries((p.DefinitionSubstitutions as Record<string, unknown> | undefined) ?? {}).map(
          ([key, value]) => [key, String(value)],
        ),
      );
      if (typeof p.DefinitionString !== 'string') {
        throw new Error(`state machine ${entry.id} has no inline DefinitionString the local runtime can run`);
      }
      return {
        name: resolver.physicalName(entry.id),
        arn: resolver.arn(entry.id),
        definition: resolveDefinition(p.DefinitionString, substitutions),
        ...(p.RoleArn !== undefined && { roleArn: String(p.RoleArn) }),
      };
    });

  const stateMachineVersions = resolver
    .ofType('AWS::StepFunctions::StateMachineVersion')
    .map((entry): LocalStateMachineVersionDefinition => {
      const p = props(entry);
      return {
        arn: resolver.arn(entry.id),
        ...(typeof p.Description === 'string' && { description: p.Description }),
      };
    });

  const stateMachineAliases = resolver
    .ofType('AWS::StepFunctions::StateMachineAlias')
    .map((entry): LocalStateMachineAliasDefinition => {
      const p = props(entry);
      const routing = p.RoutingConfiguration as
        | Array<{ StateMachineVersionArn: unknown; Weight: unknown }>
        | undefined;
      const deployment = p.DeploymentPreference as { StateMachineVersionArn: unknown } | undefined;
      if (routing === undefined && deployment === undefined) {
        throw new Error(
          `state machine alias ${entry.id} has neither RoutingConfiguration nor DeploymentPreference`,
        );
      }
      return {
        arn: resolver.arn(entry.id),
        ...(typeof p.Description === 'string' && { description: p.Description }),
        // A deployment preference shifts traffic gradually from the version the alias pointed to
        // before; a fresh local deployment has no such version, so the alias routes to its target.
        routingConfiguration: routing?.map((route) => ({
          stateMachineVersionArn: String(route.StateMachineVersionArn),
          weight: Number(route.Weight),
        })) ?? [{ stateMachineVersionArn: String(deployment?.StateMachineVersionArn), weight: 100 }],
      };
    });

  const schedules = resolver.ofType('AWS::Scheduler::Schedule').map((entry): ScheduleDefinition => {
    const p = props(entry);
    const target = p.Target as { Arn: string; Input?: string };
    return {
      name: entry.id,
      expression: String(p.ScheduleExpression),
      timeZone: String(p.ScheduleExpressionTimezone ?? 'UTC'),
      targetFunctionId: nameFromArn(target.Arn),
      input: target.Input === undefined ? {} : JSON.parse(target.Input),
    };
  });

  return {
    tables,
    buses,
    archivedBuses,
    queues,
    rules,
    functions,
    eventSourceMappings,
    routes,
    stateMachines,
    stateMachineVersions,
    stateMachineAliases,
    schedules,
    resolver,
  };
}
