import {
  ConflictException,
  CreateStateMachineAliasCommand,
  DeleteStateMachineVersionCommand,
  DescribeExecutionCommand,
  DescribeStateMachineAliasCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  ListExecutionsCommand,
  ListStateMachineVersionsCommand,
  PublishStateMachineVersionCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  UpdateStateMachineAliasCommand,
  UpdateStateMachineCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVirtualClock } from '#local/clock/virtual-clock.ts';
import { startLocalStepFunctions } from '#local/stepfunctions/server.ts';
import { LocalStepFunctions } from '#local/stepfunctions/service.ts';

const ACCOUNT = '000000000000';
const HOUR = 3_600_000;
const machineArn = (name: string) => `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:${name}`;
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const clock = createVirtualClock({ manual: true, start: '2030-04-01T08:00:00.000Z' });

/** A journey that waits an hour and then says which definition it ran. */
const journey = (edition: string) =>
  JSON.stringify({
    StartAt: 'WaitAnHour',
    States: {
      WaitAnHour: { Type: 'Wait', Seconds: 3600, Next: 'Send' },
      Send: { Type: 'Pass', Result: edition, ResultPath: '$.sentBy', End: true },
    },
  });

const MACHINES = ['moving-alias', 'pinned-version', 'unknown-qualifiers', 'canary', 'version-records'];

let service: LocalStepFunctions;
let server: { endpoint: string; close(): Promise<void> };
let sfn: SFNClient;

beforeAll(async () => {
  service = new LocalStepFunctions({
    clock,
    stateMachines: MACHINES.map((name) => ({ name, arn: machineArn(name), definition: journey('v1') })),
    invokeFunction: async () => ({}),
  });
  await service.ready();
  server = await startLocalStepFunctions({ service, port: 0 });
  sfn = new SFNClient({ endpoint: server.endpoint, region: 'us-east-1', credentials });
});

afterAll(async () => {
  sfn?.destroy();
  await server?.close();
  await service?.close();
});

/** Until nothing is left to do at the current instant (the runtime's `quiesce`, for this service alone). */
async function quiesce(): Promise<void> {
  for (let calm = 0; calm < 2; ) {
    const { busy } = await service.activity();
    calm = busy ? 0 : calm + 1;
    if (busy) await service.nextProgress(5);
    else await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Lets every execution's hour-long wait end. */
async function anHourLater(): Promise<void> {
  await quiesce();
  clock.manual!.advanceTo(clock.now() + HOUR);
  await quiesce();
}

async function publish(stateMachineArn: string, description?: string): Promise<string> {
  const { stateMachineVersionArn } = await sfn.send(
    new PublishStateMachineVersionCommand({ stateMachineArn, description }),
  );
  return stateMachineVersionArn!;
}

async function start(stateMachineArn: string, name: string, input: unknown = {}): Promise<string> {
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, name, input: JSON.stringify(input) }),
  );
  return executionArn!;
}

async function sentBy(executionArn: string): Promise<string> {
  const { status, output } = await sfn.send(new DescribeExecutionCommand({ executionArn }));
  expect(status).toBe('SUCCEEDED');
  return JSON.parse(output!).sentBy;
}

describe('Local Step Functions: versions and aliases', () => {
  it('finishes an execution started on an alias on its version after the alias moves to a new one', async () => {
    // Prepare
    const stateMachineArn = machineArn('moving-alias');
    const v1 = await publish(stateMachineArn, 'first');
    const { stateMachineAliasArn } = await sfn.send(
      new CreateStateMachineAliasCommand({
        name: 'live',
        routingConfiguration: [{ stateMachineVersionArn: v1, weight: 100 }],
      }),
    );
    const old = await start(stateMachineAliasArn!, 'run-before-deploy');
    await quiesce();

    // Act: deploy a new definition as version 2 and point the alias at it while the old run waits.
    const updated = await sfn.send(
      new UpdateStateMachineCommand({ stateMachineArn, definition: journey('v2'), publish: true }),
    );
    await sfn.send(
      new UpdateStateMachineAliasCommand({
        stateMachineAliasArn,
        routingConfiguration: [{ stateMachineVersionArn: updated.stateMachineVersionArn!, weight: 100 }],
      }),
    );
    const fresh = await start(stateMachineAliasArn!, 'run-after-deploy');
    const unqualified = await start(stateMachineArn, 'run-unqualified');
    await anHourLater();

    // Assess
    expect(v1).toBe(`${stateMachineArn}:1`);
    expect(stateMachineAliasArn).toBe(`${stateMachineArn}:live`);
    expect(updated.stateMachineVersionArn).toBe(`${stateMachineArn}:2`);
    expect(old).toBe(`arn:aws:states:us-east-1:${ACCOUNT}:execution:moving-alias:run-before-deploy`);
    expect(await sentBy(old)).toBe('v1');
    expect(await sentBy(fresh)).toBe('v2');
    expect(await sentBy(unqualified)).toBe('v2');
    expect(await sfn.send(new DescribeExecutionCommand({ executionArn: old }))).toMatchObject({
      stateMachineArn,
      stateMachineAliasArn,
      stateMachineVersionArn: v1,
    });
    const ranOld = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: old }));
    expect(JSON.parse(ranOld.definition!).States.Send.Result).toBe('v1');
    const onV1 = await sfn.send(new ListExecutionsCommand({ stateMachineArn: v1 }));
    expect(onV1.executions?.map((execution) => execution.executionArn)).toEqual([old]);
    const onAlias = await sfn.send(new ListExecutionsCommand({ stateMachineArn: stateMachineAliasArn }));
    expect(onAlias.executions?.map((execution) => execution.executionArn).sort()).toEqual(
      [fresh, old].sort(),
    );
  });

  it('runs a version ARN on that version’s definition, not the latest', async () => {
    // Prepare
    const stateMachineArn = machineArn('pinned-version');
    const v1 = await publish(stateMachineArn);
    await sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: journey('v2') }));

    // Act
    const pinned = await start(v1, 'pinned-run');
    await anHourLater();

    // Assess
    expect(await sentBy(pinned)).toBe('v1');
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn: pinned }));
    expect(described.stateMachineVersionArn).toBe(v1);
    expect(described.stateMachineAliasArn).toBeUndefined();
  });

  it('refuses to start a version or alias that does not exist', async () => {
    // Prepare
    const stateMachineArn = machineArn('unknown-qualifiers');

    // Act
    const onVersion = sfn.send(new StartExecutionCommand({ stateMachineArn: `${stateMachineArn}:9` }));
    const onAlias = sfn.send(new StartExecutionCommand({ stateMachineArn: `${stateMachineArn}:nope` }));

    // Assess
    await expect(onVersion).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    await expect(onAlias).rejects.toBeInstanceOf(StateMachineDoesNotExist);
  });

  it('splits an alias between two versions by weight, the same way for the same execution name', async () => {
    // Prepare
    const stateMachineArn = machineArn('canary');
    const v1 = await publish(stateMachineArn);
    await sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: journey('v2') }));
    const v2 = await publish(stateMachineArn);
    const { stateMachineAliasArn } = await sfn.send(
      new CreateStateMachineAliasCommand({
        name: 'canary',
        routingConfiguration: [
          { stateMachineVersionArn: v1, weight: 80 },
          { stateMachineVersionArn: v2, weight: 20 },
        ],
      }),
    );

    // Act
    const runs = await Promise.all(
      Array.from({ length: 50 }, (_, index) => start(stateMachineAliasArn!, `customer-${index}`)),
    );
    const again = await start(stateMachineAliasArn!, 'customer-7');
    await anHourLater();

    // Assess
    const editions = await Promise.all(runs.map(sentBy));
    expect(editions.filter((edition) => edition === 'v1').length).toBeGreaterThan(25);
    expect(editions).toContain('v2');
    expect(again).toBe(runs[7]);
  });

  it('describes and lists versions, and keeps a version an alias routes to from being deleted', async () => {
    // Prepare
    const stateMachineArn = machineArn('version-records');
    const v1 = await publish(stateMachineArn, 'first');
    const republished = await publish(stateMachineArn);
    await sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: journey('v2') }));
    const v2 = await publish(stateMachineArn, 'second');
    const { stateMachineAliasArn } = await sfn.send(
      new CreateStateMachineAliasCommand({
        name: 'live',
        description: 'what rules start',
        routingConfiguration: [{ stateMachineVersionArn: v1, weight: 100 }],
      }),
    );

    // Act
    const versions = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn }));
    const first = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: v1 }));
    const latest = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    const alias = await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn }));
    const deleteRouted = sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: v1 }));

    // Assess
    expect(republished).toBe(v1);
    expect(versions.stateMachineVersions?.map((version) => version.stateMachineVersionArn)).toEqual([v2, v1]);
    expect(first).toMatchObject({ stateMachineArn: v1, description: 'first' });
    expect(JSON.parse(first.definition!).States.Send.Result).toBe('v1');
    expect(JSON.parse(latest.definition!).States.Send.Result).toBe('v2');
    expect(alias).toMatchObject({
      name: 'live',
      description: 'what rules start',
      routingConfiguration: [{ stateMachineVersionArn: v1, weight: 100 }],
    });
    await expect(deleteRouted).rejects.toBeInstanceOf(ConflictException);
  });
});
