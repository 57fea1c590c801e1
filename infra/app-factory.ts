import { App, Duration, type Environment, Tags } from 'aws-cdk-lib';
import type { LogLevel } from './constructs/service-function.ts';
import { DORMANT_ON_INDEX, StatefulStack } from './stacks/stateful-stack.ts';
import { StatelessStack } from './stacks/stateless-stack.ts';

/** Timeout of the profile (SQS consumer) function; the queue's visibility timeout is six times this. */
export const PROFILE_FUNCTION_TIMEOUT = Duration.seconds(10);

/** Context keys read by {@link createApp} (`cdk synth -c alarmEmail=ops@example.com`). */
export const CONTEXT_KEYS = {
  alarmEmail: 'alarmEmail',
  archiveRetentionDays: 'archiveRetentionDays',
  logLevel: 'logLevel',
  sesMaxSendRate: 'sesMaxSendRate',
} as const;

export interface CreateAppOptions {
  /**
   * Context values, as `-c key=value` would give them (see {@link CONTEXT_KEYS}).
   * @default - none besides what the CDK CLI passes (cdk.json, `-c`)
   */
  readonly context?: Readonly<Record<string, unknown>>;
  /**
   * Account and region of both stacks.
   * @default - CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION when set, otherwise environment-agnostic
   */
  readonly env?: Environment;
  /**
   * Prefix of the stack names (`<prefix>-Stateful`, `<prefix>-Stateless`).
   * @default 'StorefrontJourneys'
   */
  readonly stackNamePrefix?: string;
  /**
   * Bundle the Lambda code with esbuild. `false` skips bundling (the template is identical apart from
   * asset hashes), for tools that only read the template, such as the local runtime.
   * @default true
   */
  readonly bundle?: boolean;
  /**
   * Cloud assembly directory.
   * @default - the CLI's output directory, or a temporary directory outside the CLI
   */
  readonly outdir?: string;
}

export interface StorefrontJourneysApp {
  readonly app: App;
  readonly stateful: StatefulStack;
  readonly stateless: StatelessStack;
}

const LOG_LEVELS: readonly LogLevel[] = ['DEBUG', 'INFO', 'WARN', 'ERROR'];

/** Builds the whole CDK app (both stacks, wired). `infra/bin/app.ts` and the infra tests both use it. */
export function createApp(options: CreateAppOptions = {}): StorefrontJourneysApp {
  const app = new App({
    context: {
      // Cross-stack references stay CloudFormation exports / Fn::ImportValue (set explicitly, the CDK default).
      '@aws-cdk/core:defaultCrossStackReferences': 'strong',
      ...(options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}),
      ...options.context,
    },
    outdir: options.outdir,
  });
  const prefix = options.stackNamePrefix ?? 'StorefrontJourneys';
  const env = options.env ?? environmentFromProcess();

  const alarmEmail = optionalString(app.node.tryGetContext(CONTEXT_KEYS.alarmEmail));
  const archiveRetentionDays = optionalPositiveInteger(
    app.node.tryGetContext(CONTEXT_KEYS.archiveRetentionDays),
    CONTEXT_KEYS.archiveRetentionDays,
  );
  const logLevel = optionalLogLevel(app.node.tryGetContext(CONTEXT_KEYS.logLevel));
  const sesMaxSendRate = optionalPositiveNumber(
    app.node.tryGetContext(CONTEXT_KEYS.sesMaxSendRate),
    CONTEXT_KEYS.sesMaxSendRate,
  );

  // Stack construct id = stack name, so generated physical names (e.g. the bus name) differ per prefix.
  const stateful = new StatefulStack(app, `${prefix}-Stateful`, {
    description: 'storefront-journeys: tables, event bus and archive, queues (stateful)',
    env,
    archiveRetention: archiveRetentionDays === undefined ? undefined : Duration.days(archiveRetentionDays),
    profileEventsVisibilityTimeout: Duration.seconds(PROFILE_FUNCTION_TIMEOUT.toSeconds() * 6),
  });

  const stateless = new StatelessStack(app, `${prefix}-Stateless`, {
    description: 'storefront-journeys: functions, HTTP API, rules, alarms (stateless)',
    env,
    profilesTable: stateful.profilesTable,
    storesTable: stateful.storesTable,
    messagesTable: stateful.messagesTable,
    dormantOnIndex: DORMANT_ON_INDEX,
    journeyStartsDlq: stateful.journeyStartsDlq,
    sesEvents: stateful.sesEvents,
    attributionOrders: stateful.attributionOrders,
    erasureRequestsQueue: stateful.erasureRequestsQueue,
    erasureRequestsDlq: stateful.erasureRequestsDlq,
    journeyEvents: stateful.journeyEvents,
    journeyEntries: stateful.journeyEntries,
    eventBus: stateful.eventBus,
    profileEventsQueue: stateful.profileEventsQueue,
    profileEventsDlq: stateful.profileEventsDlq,
    profileEventsRuleDlq: stateful.profileEventsRuleDlq,
    profileFunctionTimeout: PROFILE_FUNCTION_TIMEOUT,
    alarmEmail,
    logLevel,
    sesMaxSendRate,
  });

  Tags.of(app).add('project', 'storefront-journeys');
  return { app, stateful, stateless };
}

function environmentFromProcess(): Environment | undefined {
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION;
  if (account === undefined && region === undefined) return undefined;
  return { account, region };
}

function optionalString(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
}

function optionalPositiveInteger(value: unknown, key: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) {
    throw new Error(`Context value ${key} must be a positive whole number of days, got ${String(value)}`);
  }
  return parsed;
}

function optionalPositiveNumber(value: unknown, key: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) {
    throw new Error(`Context value ${key} must be a positive number, got ${String(value)}`);
  }
  return parsed;
}

function optionalLogLevel(value: unknown): LogLevel | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const level = String(value).toUpperCase();
  if (!LOG_LEVELS.includes(level as LogLevel)) {
    throw new Error(`Context value ${CONTEXT_KEYS.logLevel} must be one of ${LOG_LEVELS.join(', ')}`);
  }
  return level as LogLevel;
}
