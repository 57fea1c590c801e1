import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENTRY_METADATA_KEY, ServiceFunction } from '#infra/constructs/service-function.ts';
import { actionsOf, type CfnTemplate, raw, statementsOfFunction } from './template-helpers.ts';

const ENTRY = 'tests/infra/fixtures/echo-handler.ts';

describe('Construct: ServiceFunction', () => {
  let outdir: string;
  let app: App;
  let reader: ServiceFunction;
  let writer: ServiceFunction;
  let json: CfnTemplate;
  let template: Template;
  let queue: Queue;

  beforeAll(() => {
    // Prepare (once: each function is bundled with esbuild)
    outdir = mkdtempSync(join(tmpdir(), 'storefront-journeys-service-function-'));
    app = new App({ outdir });
    const stack = new Stack(app, 'Test');
    const bus = new EventBus(stack, 'Bus');
    const profiles = new Table(stack, 'Profiles', {
      partitionKey: { name: 'pk', type: AttributeType.STRING },
    });
    const stores = new Table(stack, 'Stores', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
    queue = new Queue(stack, 'Events');
    reader = new ServiceFunction(stack, 'Reader', { entry: ENTRY, serviceName: 'test' })
      .bindEventBus(bus)
      .bindStoresTable(stores)
      .bindProfilesTable(profiles, 'read');
    writer = new ServiceFunction(stack, 'Writer', {
      entry: ENTRY,
      serviceName: 'test',
      timeout: Duration.seconds(30),
      memorySize: 1024,
      logLevel: 'DEBUG',
    })
      .bindProfilesTable(profiles, 'readWrite')
      .bindSourceQueue(queue);

    // Act
    template = Template.fromStack(stack);
    json = raw(template);
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  const functionId = (fn: ServiceFunction) =>
    stackOf(fn).getLogicalId(fn.function.node.defaultChild as never);
  const stackOf = (fn: ServiceFunction) => Stack.of(fn);

  it('bundles the entry locally into minified ESM with a require shim and a source map', () => {
    // Act
    const asset = reader.function.node.findChild('Code') as Asset;
    const dir = join(outdir, asset.assetPath);
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');

    // Assess
    expect(code.startsWith("import { createRequire as __sjCreateRequire } from 'node:module';")).toBe(true);
    expect(code).toContain('//# sourceMappingURL=index.mjs.map');
    expect(existsSync(join(dir, 'index.mjs.map'))).toBe(true);
    expect(json.Resources[functionId(reader)]!.Properties).toMatchObject({ Handler: 'index.handler' });
  });

  it('records the entry file, relative to the repository root, in the function metadata', () => {
    // Act
    const metadata = json.Resources[functionId(reader)]!.Metadata;

    // Assess
    expect(metadata).toMatchObject({ [ENTRY_METADATA_KEY]: ENTRY });
  });

  it('applies the shared defaults and accepts overrides', () => {
    // Act
    const defaults = json.Resources[functionId(reader)]!.Properties;
    const overridden = json.Resources[functionId(writer)]!.Properties;

    // Assess
    expect(defaults).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      MemorySize: 512,
      Timeout: 10,
      TracingConfig: { Mode: 'Active' },
      Environment: {
        // Traces never keep response bodies: an unsubscribe page names the address.
        Variables: {
          POWERTOOLS_SERVICE_NAME: 'test',
          LOG_LEVEL: 'INFO',
          POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
        },
      },
    });
    expect(overridden).toMatchObject({
      MemorySize: 1024,
      Timeout: 30,
      Environment: { Variables: { LOG_LEVEL: 'DEBUG' } },
    });
  });

  it('adds the env var and the grant together in each bind helper', () => {
    // Act
    const variables = (
      json.Resources[functionId(reader)]!.Properties!.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    const actions = statementsOfFunction(json, functionId(reader)).flatMap(actionsOf);

    // Assess
    expect(Object.keys(variables)).toEqual(
      expect.arrayContaining(['EVENT_BUS_NAME', 'STORES_TABLE_NAME', 'PROFILES_TABLE_NAME']),
    );
    expect(actions).toContain('events:PutEvents');
    expect(actions).toContain('dynamodb:GetItem');
    expect(
      actions.filter((a) => /Put(Item)?$|Update|Delete|Write/.test(a) && a !== 'events:PutEvents'),
    ).toEqual([]);
  });

  it('grants write access to the profiles table only when asked for readWrite', () => {
    // Act
    const actions = statementsOfFunction(json, functionId(writer)).flatMap(actionsOf);

    // Assess
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'dynamodb:UpdateItem']));
    expect(actions).not.toContain('events:PutEvents');
  });

  it('points SOURCE_QUEUE_URL at the queue and allows only changing message visibility on it', () => {
    // Prepare
    const queueId = Stack.of(queue).getLogicalId(queue.node.defaultChild as CfnElement);

    // Act
    const variables = (
      json.Resources[functionId(writer)]!.Properties!.Environment as { Variables: Record<string, unknown> }
    ).Variables;
    const sqsStatements = statementsOfFunction(json, functionId(writer)).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('sqs:')),
    );

    // Assess
    expect(variables.SOURCE_QUEUE_URL).toEqual({ Ref: queueId });
    expect(sqsStatements).toEqual([
      expect.objectContaining({
        Action: 'sqs:ChangeMessageVisibility',
        Resource: { 'Fn::GetAtt': [queueId, 'Arn'] },
      }),
    ]);
  });

  it('writes logs only to its own log group, without managed policies', () => {
    // Act
    const logGroupId = Stack.of(reader).getLogicalId(reader.logGroup.node.defaultChild as CfnElement);
    const logStatements = statementsOfFunction(json, functionId(reader)).filter((s) =>
      actionsOf(s).some((a) => a.startsWith('logs:')),
    );

    // Assess
    expect(logStatements).toEqual([
      expect.objectContaining({
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
      }),
    ]);
    expect(json.Resources[logGroupId]!.Properties).toMatchObject({ RetentionInDays: 30 });
    template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  it('fails when the entry is an absolute path', () => {
    // Prepare
    const stack = new Stack(new App({ outdir }), 'Other');

    // Act
    const build = () => new ServiceFunction(stack, 'Fn', { entry: '/abs/handler.ts', serviceName: 'test' });

    // Assess
    expect(build).toThrow(/relative to the repository root/);
  });
});
