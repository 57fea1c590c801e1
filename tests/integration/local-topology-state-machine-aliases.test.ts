import { fileURLToPath } from 'node:url';
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Rule } from 'aws-cdk-lib/aws-events';
import { type CfnFunction, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import {
  CfnStateMachineAlias,
  CfnStateMachineVersion,
  DefinitionBody,
  StateMachine,
} from 'aws-cdk-lib/aws-stepfunctions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVirtualClock } from '#local/clock/virtual-clock.ts';
import { LocalEventBuses } from '#local/eventbridge/event-bus.ts';
import { renderTargetInput } from '#local/eventbridge/input-transformer.ts';
import { LocalFunction } from '#local/lambda/function-pool.ts';
import { startLocalStepFunctions } from '#local/stepfunctions/server.ts';
import { LocalStepFunctions } from '#local/stepfunctions/service.ts';
import { type LocalTopology, readTopology } from '#local/topology/read-topology.ts';

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * What the redesigned journeys deploy: a state machine, its published versions, an alias that rules
 * and functions start executions on (so running executions finish on the version they started with),
 * and an alias still being deployed with a deployment preference.
 */
function journeyTemplate(): { stackName: string; template: Record<string, unknown> } {
  const app = new App();
  const stack = new Stack(app, 'Journeys', { env: { account: ACCOUNT, region: REGION } });
  const machine = new StateMachine(stack, 'Welcome', {
    definitionBody: DefinitionBody.fromString(
      JSON.stringify({
        StartAt: 'Greet',
        States: { Greet: { Type: 'Pass', Result: 'welcome', ResultPath: '$.sent', End: true } },
      }),
    ),
  });
  const version = (id: string) =>
    new CfnStateMachineVersion(stack, id, {
      stateMachineArn: machine.stateMachineArn,
      stateMachineRevisionId: machine.stateMachineRevisionId,
    });
  const first = version('WelcomeVersion1');
  const second = version('WelcomeVersion2');
  const live = new CfnStateMachineAlias(stack, 'WelcomeLive', {
    name: 'live',
    description: 'what rules and functions start',
    routingConfiguration: [{ stateMachineVersionArn: second.attrArn, weight: 100 }],
  });
  new CfnStateMachineAlias(stack, 'WelcomeDeploying', {
    name: 'deploying',
    deploymentPreference: { stateMachineVersionArn: first.ref, type: 'ALL_AT_ONCE' },
  });
  new Rule(stack, 'OnSignup', {
    eventPattern: { source: ['storefront'], detailType: ['customer.registered'] },
    targets: [{ bind: () => ({ id: 'WelcomeLive', arn: live.attrArn }) }],
  });
  const starter = new LambdaFunction(stack, 'StartWelcome', {
    runtime: Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: Code.fromInline('exports.handler = async () => ({});'),
    environment: { JOURNEY_STATE_MACHINE_ARN: live.ref },
  });
  // As the ServiceFunction construct marks every function: the local runtime runs this entry.
  (starter.node.defaultChild as CfnFunction).addMetadata(
    'storefront-journeys:entry',
    'tests/fixtures/stepfunctions/start-journey.ts',
  );
  return { stackName: stack.stackName, template: Template.fromStack(stack).toJSON() };
}

describe('Local topology: state machine versions and aliases', () => {
  let topology: LocalTopology;
  let machineArn: string;
  let stepFunctions: LocalStepFunctions;
  let server: { endpoint: string; close(): Promise<void> };
  let starter: LocalFunction;
  let sfn: SFNClient;

  beforeAll(async () => {
    topology = readTopology(
      [journeyTemplate()],
      {
        account: ACCOUNT,
        region: REGION,
        sqsEndpoint: 'http://127.0.0.1:1',
        httpApiUrl: 'http://127.0.0.1:2',
      },
      PROJECT_ROOT,
    );
    machineArn = topology.stateMachines[0]?.arn ?? '';
    stepFunctions = new LocalStepFunctions({
      clock: createVirtualClock({ manual: true, start: '2030-05-01T00:00:00Z' }),
      stateMachines: topology.stateMachines,
      stateMachineVersions: topology.stateMachineVersions,
      stateMachineAliases: topology.stateMachineAliases,
      invokeFunction: async () => ({}),
    });
    await stepFunctions.ready();
    server = await startLocalStepFunctions({ service: stepFunctions, port: 0 });
    sfn = new SFNClient({ endpoint: server.endpoint, region: REGION, credentials });
    const definition = topology.functions[0];
    if (definition === undefined) throw new Error('the template has no function the runtime can run');
    starter = new LocalFunction(definition, {
      maxConcurrency: 1,
      baseEnvironment: {
        AWS_REGION: REGION,
        AWS_ACCESS_KEY_ID: 'local',
        AWS_SECRET_ACCESS_KEY: 'local',
        AWS_ENDPOINT_URL_SFN: server.endpoint,
        PATH: process.env.PATH ?? '',
      },
      onLogLine: () => undefined,
    });
  });

  afterAll(async () => {
    sfn?.destroy();
    await starter?.close();
    await server?.close();
    await stepFunctions?.close();
  });

  it('numbers the versions of a state machine and resolves Ref and GetAtt of versions and aliases to their ARNs', () => {
    // Act
    const { stateMachineVersions, stateMachineAliases, rules, functions } = topology;

    // Assess
    expect(machineArn).toMatch(/^arn:aws:states:us-east-1:000000000000:stateMachine:Welcome[0-9A-F]{8}$/);
    expect(stateMachineVersions.map((version) => version.arn)).toEqual([
      `${machineArn}:1`,
      `${machineArn}:2`,
    ]);
    expect(stateMachineAliases).toEqual([
      {
        arn: `${machineArn}:live`,
        description: 'what rules and functions start',
        routingConfiguration: [{ stateMachineVersionArn: `${machineArn}:2`, weight: 100 }],
      },
      {
        arn: `${machineArn}:deploying`,
        routingConfiguration: [{ stateMachineVersionArn: `${machineArn}:1`, weight: 100 }],
      },
    ]);
    expect(rules[0]?.targets[0]?.arn).toBe(`${machineArn}:live`);
    expect(functions[0]?.environment.JOURNEY_STATE_MACHINE_ARN).toBe(`${machineArn}:live`);
  });

  it('starts the alias’s version when a function starts an execution on the alias its environment names', async () => {
    // Act
    const { executionArn } = (await starter.invoke({
      name: 'welcome-c-1',
      input: { customerId: 'c-1' },
    })) as {
      executionArn: string;
    };

    // Assess
    const execution = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    expect(execution).toMatchObject({
      stateMachineArn: machineArn,
      stateMachineAliasArn: `${machineArn}:live`,
      stateMachineVersionArn: `${machineArn}:2`,
      name: 'welcome-c-1',
    });
  });

  it('starts the alias’s version when a rule targets the alias', async () => {
    // Prepare
    const buses = new LocalEventBuses(
      ['default'],
      topology.rules,
      [],
      async (target, event) => {
        stepFunctions.startExecution({
          stateMachineArn: target.arn,
          input: renderTargetInput(target, event),
        });
      },
      { account: ACCOUNT, region: REGION },
    );

    // Act
    await buses.put('default', {
      source: 'storefront',
      detailType: 'customer.registered',
      detail: { customerId: 'c-2' },
    });

    // Assess
    const [execution] = stepFunctions
      .listExecutions({ stateMachineArn: `${machineArn}:live` })
      .filter((run) => run.input.includes('c-2'));
    expect(execution).toMatchObject({
      stateMachineAliasArn: `${machineArn}:live`,
      stateMachineVersionArn: `${machineArn}:2`,
    });
  });
});
