import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, type CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runsOfFinding } from '#infra/constructs/journeys.ts';
import { ServiceFunction } from '#infra/constructs/service-function.ts';
import { buildTestApp, type TestApp } from './test-app.ts';

/**
 * cdk-nag 3 is a policy-validation plugin, not an Aspect: findings are not Annotations
 * (`Annotations.fromStack(...).findError('*', ...)` never sees them). They come back from the pack's
 * `validateScope(app)` (what the plugin runs during synthesis) and land in the cloud assembly's
 * validation report. Acknowledgments are `Validations.of(construct).acknowledge({ id, reason })`.
 */
/** The journey functions answer task tokens of any of the account's state machines. */
const TASK_ANSWERS =
  'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:*]';

describe('cdk-nag: AwsSolutions', () => {
  let built: TestApp;
  let app: App;

  beforeAll(() => {
    // Prepare (once: synthesis bundles every function with esbuild), registered as infra/bin/app.ts does
    built = buildTestApp();
    app = built.app;
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  });
  afterAll(() => built?.dispose());

  it('reports no unacknowledged errors or warnings', () => {
    // Act
    const report = new AwsSolutionsChecks(app).validateScope(app);
    const findings = report.violations.map(
      (v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );

    // Assess
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('synthesizes with the plugin registered and writes an empty validation report', () => {
    // Act
    const assembly = app.synth();
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as {
      pluginReports: unknown[];
    };

    // Assess
    expect(report.pluginReports).toEqual([]);
  });

  it('acknowledges exactly the expected findings, each with a specific written reason', () => {
    // Prepare
    const expected: Record<string, RegExp> = {
      'AwsSolutions-IAM5[Resource::*]': /X-Ray/,
      [anyVersionFinding(built.stateless.journeys.stepFunction)]: /journey-step function/,
      ...Object.fromEntries(
        built.stateless.journeys.scanFunctions.map((fn) => [
          anyVersionFinding(fn),
          /scan function by any version/,
        ]),
      ),
      [TASK_ANSWERS]: /SendTaskSuccess/,
      ...Object.fromEntries(
        Object.values(built.stateless.journeys.stateMachines).map((machine) => [
          runsOfFinding(machine, built.stateless),
          /StopExecution on the runs of one journey state machine/,
        ]),
      ),
      'AwsSolutions-L1': /Node\.js 22/,
      'AwsSolutions-APIG4': /handler/,
      'AwsSolutions-SQS3': /itself a dead-letter queue/,
    };

    // Act
    const acknowledgments = acknowledgmentsIn(app);

    // Assess
    expect(new Set(acknowledgments.map((a) => a.id))).toEqual(new Set(Object.keys(expected)));
    for (const { id, path, reason } of acknowledgments) {
      expect(reason.length, `${id} on ${path}`).toBeGreaterThan(80);
      expect(reason, `${id} on ${path}`).toMatch(expected[id]!);
    }
  });

  it('acknowledges each finding on the constructs it applies to, and nowhere else', () => {
    // Prepare
    const { stateful, stateless } = built;
    const functions = allConstructs(app).filter((c): c is ServiceFunction => c instanceof ServiceFunction);
    const stateMachinePolicies = Object.values(stateless.journeys.stateMachines).map(
      (machine) => `${machine.role.node.path}/DefaultPolicy`,
    );
    const pathsOf = (id: string) =>
      acknowledgmentsIn(app)
        .filter((a) => a.id === id)
        .map((a) => a.path)
        .sort();

    // Act
    const acknowledged = {
      anyResource: pathsOf('AwsSolutions-IAM5[Resource::*]'),
      stepVersions: pathsOf(anyVersionFinding(stateless.journeys.stepFunction)),
      scanVersions: stateless.journeys.scanFunctions.flatMap((fn) => pathsOf(anyVersionFinding(fn))),
      taskAnswers: pathsOf(TASK_ANSWERS),
      stopRuns: Object.values(stateless.journeys.stateMachines).map((machine) =>
        pathsOf(runsOfFinding(machine, stateless)),
      ),
      runtime: pathsOf('AwsSolutions-L1'),
      noAuthorizer: pathsOf('AwsSolutions-APIG4'),
      deadLetterQueues: pathsOf('AwsSolutions-SQS3'),
    };

    // Assess
    expect(functions).toHaveLength(12);
    expect(acknowledged).toEqual({
      anyResource: [
        ...functions.map((fn) => `${fn.role.node.path}/DefaultPolicy`),
        ...stateMachinePolicies,
      ].sort(),
      stepVersions: [...stateMachinePolicies].sort(),
      scanVersions: [`${stateless.node.path}/Journeys/WinBackScheduleRole/DefaultPolicy`],
      taskAnswers: [stateless.journeys.stepFunction, stateless.journeys.eventsFunction]
        .map((fn) => `${fn.role.node.path}/DefaultPolicy`)
        .sort(),
      stopRuns: Object.values(stateless.journeys.stateMachines).map(() =>
        [
          stateless.journeys.entryFunction,
          stateless.journeys.eventsFunction,
          stateless.eraseCustomersFunction,
        ]
          .map((fn) => `${fn.role.node.path}/DefaultPolicy`)
          .sort(),
      ),
      runtime: functions.map((fn) => fn.function.node.path).sort(),
      noAuthorizer: expect.any(Array),
      // Rule-target dead-letter queues only: cdk-nag sees the redrive targets' use in their own stack.
      deadLetterQueues: [
        stateful.profileEventsRuleDlq,
        stateful.journeyStartsDlq,
        stateful.sesEvents.ruleDlq,
        stateful.attributionOrders.ruleDlq,
        stateful.journeyEvents.ruleDlq,
        stateful.journeyEntries.ruleDlq,
      ]
        .map((queue) => queue.node.path)
        .sort(),
    });
    expect(acknowledged.noAuthorizer).toHaveLength(8);
    for (const path of acknowledged.noAuthorizer) expect(path).toMatch(/\/IngestApi\/HttpApi\/(POST|GET)--/);
  });

  it('explains the X-Ray and log delivery wildcards on the state machine policies', () => {
    // Prepare
    const stateMachinePolicies = new Set(
      Object.values(built.stateless.journeys.stateMachines).map((m) => `${m.role.node.path}/DefaultPolicy`),
    );

    // Act
    const reasons = acknowledgmentsIn(app)
      .filter((a) => a.id === 'AwsSolutions-IAM5[Resource::*]' && stateMachinePolicies.has(a.path))
      .map((a) => a.reason);

    // Assess
    expect(reasons).toHaveLength(stateMachinePolicies.size);
    for (const reason of reasons) expect(reason).toMatch(/log delivery.*X-Ray/s);
  });
});

interface Acknowledgment {
  readonly id: string;
  readonly path: string;
  readonly reason: string;
}

function acknowledgmentsIn(root: IConstruct): Acknowledgment[] {
  return allConstructs(root).flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .map(([id, reason]) => ({ id: id.replace(/^annotation::/i, ''), path: c.node.path, reason })),
  );
}

/** The IAM5 finding for `lambda:InvokeFunction` on `<function ARN>:*` (any version or alias of one function). */
function anyVersionFinding(fn: ServiceFunction): string {
  const logicalId = Stack.of(fn).getLogicalId(fn.function.node.defaultChild as CfnElement);
  return `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`;
}

function allConstructs(root: IConstruct): IConstruct[] {
  return root.node.findAll();
}
