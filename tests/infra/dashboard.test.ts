import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { DefinitionBody, Pass, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { beforeAll, describe, expect, it } from 'vitest';
import { MarketerDashboard } from '#infra/constructs/marketer-dashboard.ts';
import { OperationsAlarms } from '#infra/constructs/operations-alarms.ts';
import { reasonsOf, sendingSteps } from '#infra/dashboard/widgets.ts';
import { journeyIds } from '#infra/journeys/catalog.ts';

const JOURNEY_IDS = journeyIds();

import { type CfnTemplate, raw, resourcesOfType } from './template-helpers.ts';

const ENTRIES = ['functions/ingest/handlers/own-events.ts', 'functions/journeys/handlers/journey-step.ts'];
const QUEUES = ['ProfileEventsDlq', 'JourneyStartsDlq'];
const CONFIGURATION_SET = 'journeys-configuration-set';

/** One rendered dashboard metric: `[namespace, name, dim, value, …, {options}]` or `[{expression…}]`. */
type MetricLine = unknown[];
interface DashboardWidget {
  type: string;
  properties: {
    title?: string;
    markdown?: string;
    view?: string;
    metrics?: MetricLine[];
    annotations?: { horizontal?: { value: number; label: string }[] };
  };
}

/** A small stack holding the construct and stand-ins for the resources it draws. */
function buildStack(): Stack {
  const stack = new Stack(new App(), 'DashboardTest');
  const functions = Object.fromEntries(
    ENTRIES.map((entry, index) => [
      entry,
      new LambdaFunction(stack, `Function${index}`, {
        runtime: Runtime.NODEJS_22_X,
        handler: 'index.handler',
        code: Code.fromInline('export const handler = async () => {};'),
      }),
    ]),
  );
  const deadLetterQueues = Object.fromEntries(QUEUES.map((name) => [name, new Queue(stack, name)]));
  const stateMachines = Object.fromEntries(
    JOURNEY_IDS.map((journey, index) => [
      journey,
      new StateMachine(stack, `StateMachine${index}`, {
        definitionBody: DefinitionBody.fromChainable(new Pass(stack, `Pass${index}`)),
      }),
    ]),
  );
  new MarketerDashboard(stack, 'MarketerDashboard', {
    api: new HttpApi(stack, 'HttpApi'),
    functions,
    deadLetterQueues,
    stateMachines,
    configurationSetName: CONFIGURATION_SET,
  });
  const alarms = new OperationsAlarms(stack, 'Alarms');
  alarms.addBounceRateAlarm('BounceRateAlarm', 'SES bounce rate reached 4 %.');
  alarms.addComplaintRateAlarm('ComplaintRateAlarm', 'SES complaint rate reached 0.08 %.');
  alarms.addBounceRateAlarm('ConfigurationSetBounceRateAlarm', 'Journey mails bounce.', CONFIGURATION_SET);
  return stack;
}

/** The dashboard body with every token (a `Ref`, a region) replaced by a placeholder, parsed. */
function dashboardWidgets(template: CfnTemplate): DashboardWidget[] {
  const [[, dashboard] = []] = resourcesOfType(template, 'AWS::CloudWatch::Dashboard');
  const body = dashboard?.Properties?.DashboardBody as { 'Fn::Join': [string, unknown[]] };
  const text = body['Fn::Join'][1].map((part) => (typeof part === 'string' ? part : 'TOKEN')).join('');
  return (JSON.parse(text) as { widgets: DashboardWidget[] }).widgets;
}

/** `[namespace, metric name, {dimensions}]` of every plain metric of a widget. */
function metricsOf(
  widget: DashboardWidget,
): { namespace: string; name: string; dimensions: Record<string, unknown> }[] {
  return (widget.properties.metrics ?? [])
    .filter((line) => typeof line[0] === 'string')
    .map((line) => {
      const values = line.filter((part) => typeof part !== 'object');
      const dimensions: Record<string, unknown> = {};
      for (let index = 2; index + 1 < values.length; index += 2) {
        dimensions[String(values[index])] = values[index + 1];
      }
      return { namespace: String(values[0]), name: String(values[1]), dimensions };
    });
}

let stackTemplate: Template;

beforeAll(() => {
  stackTemplate = Template.fromStack(buildStack());
});

describe('Construct: MarketerDashboard', () => {
  let template: CfnTemplate;
  let widgets: DashboardWidget[];
  const titled = (title: string) => {
    const found = widgets.find((w) => w.properties.title === title);
    if (found === undefined) throw new Error(`No widget titled ${title}`);
    return found;
  };

  beforeAll(() => {
    template = raw(stackTemplate);
    widgets = dashboardWidgets(template);
  });

  it('creates one dashboard', () => {
    // Assess
    expect(resourcesOfType(template, 'AWS::CloudWatch::Dashboard')).toHaveLength(1);
  });

  it('has a heading and a funnel per journey, from entered to converted', () => {
    // Prepare
    const headings = widgets.filter((w) => w.type === 'text').map((w) => w.properties.markdown);

    // Assess
    expect(headings).toEqual([
      ...JOURNEY_IDS.map((journey) => `## Journey: ${journey}`),
      '## Deliverability',
      '## Pipeline health',
    ]);
    for (const journey of JOURNEY_IDS) {
      const funnel = titled(`${journey}: funnel`);
      const metrics = metricsOf(funnel);
      expect(funnel.properties.view).toBe('bar');
      expect(new Set(metrics.map((m) => m.name))).toEqual(
        new Set([
          'journeyEntered',
          'emailSent',
          'emailOpened',
          'emailClicked',
          'journeyConverted',
          'attributedOrders',
        ]),
      );
      expect(
        metrics.every((m) => m.namespace === 'StorefrontJourneys' && m.dimensions.journey === journey),
      ).toBe(true);
      expect(metrics.filter((m) => m.name === 'emailSent').map((m) => m.dimensions.step)).toEqual(
        sendingSteps(journey).map(({ step }) => step),
      );
    }
  });

  it('asks for app metrics with the service dimension Powertools adds', () => {
    // Prepare
    const funnel = titled('cart-abandonment: funnel');

    // Act
    const sent = metricsOf(funnel).find((m) => m.name === 'emailSent');
    const ingested = metricsOf(titled('Ingest')).find((m) => m.name === 'eventIngested');

    // Assess
    expect(sent?.dimensions).toEqual({
      journey: 'cart-abandonment',
      service: 'journeys',
      step: 'reminder-1',
    });
    expect(ingested?.dimensions).toEqual({ service: 'ingest' });
  });

  it('asks for exits, skipped and deferred mails per reason and draws their totals per step', () => {
    // Prepare
    const outcomes = titled('cart-abandonment: step outcomes');

    // Act
    const exitsAtEnter = metricsOf(outcomes).filter(
      (m) => m.name === 'journeyExited' && m.dimensions.step === 'enter',
    );
    const expressions = (outcomes.properties.metrics ?? [])
      .map((line) => line[0] as { expression?: string; label?: string })
      .filter((part) => typeof part === 'object' && part.expression !== undefined);

    // Assess
    expect(exitsAtEnter.map((m) => m.dimensions)).toEqual(
      reasonsOf('journeyExited', 'cart-abandonment').map((reason) => ({
        journey: 'cart-abandonment',
        reason,
        service: 'journeys',
        step: 'enter',
      })),
    );
    expect(new Set(metricsOf(outcomes).map((m) => Object.keys(m.dimensions).sort().join(',')))).toEqual(
      new Set(['journey,reason,service,step', 'journey,service,step']),
    );
    expect(expressions.map((e) => e.label)).toEqual(
      expect.arrayContaining(['reminder-1 skipped', 'reminder-1 deferred', 'exited at enter']),
    );
    expect(expressions.every((e) => /^SUM\(\[m\d+(, m\d+)*\]\)$/.test(e.expression ?? ''))).toBe(true);
  });

  it('breaks the reasons down per journey in a bar chart', () => {
    // Act
    const reasons = JOURNEY_IDS.map((journey) =>
      titled(`${journey}: why runs ended and mails were held back`),
    );

    // Assess
    expect(reasons.map((w) => w.properties.view)).toEqual(JOURNEY_IDS.map(() => 'bar'));
    expect(new Set(metricsOf(reasons[0]!).map((m) => m.name))).toEqual(
      new Set(['journeyExited', 'emailSkipped', 'emailDeferred']),
    );
  });

  it("draws SES's review lines (5 %, 0.1 %) and our alarm lines (4 %, 0.08 %)", () => {
    // Act
    const bounce = titled('Bounce rate (%)');
    const complaint = titled('Complaint rate (%)');

    // Assess
    expect(bounce.properties.annotations?.horizontal?.map((a) => a.value)).toEqual([5, 4]);
    expect(complaint.properties.annotations?.horizontal?.map((a) => a.value)).toEqual([0.1, 0.08]);
    expect(metricsOf(bounce).filter((m) => m.namespace === 'AWS/SES')).toEqual([
      { namespace: 'AWS/SES', name: 'Reputation.BounceRate', dimensions: {} },
      {
        namespace: 'AWS/SES',
        name: 'Reputation.BounceRate',
        dimensions: { 'ses:configuration-set': CONFIGURATION_SET },
      },
    ]);
  });

  it('draws the pipeline: ingest, Lambda errors and throttles, dead-letter queues, failed executions', () => {
    // Act
    const described = (title: string) => metricsOf(titled(title)).map((m) => `${m.namespace} ${m.name}`);

    // Assess
    expect(described('Ingest')).toEqual([
      'StorefrontJourneys eventIngested',
      'StorefrontJourneys eventRejected',
      'AWS/ApiGateway 4xx',
      'AWS/ApiGateway 5xx',
      'StorefrontJourneys profileUpdated',
    ]);
    expect(described('Lambda errors')).toEqual(ENTRIES.map(() => 'AWS/Lambda Errors'));
    expect(described('Lambda throttles')).toEqual(ENTRIES.map(() => 'AWS/Lambda Throttles'));
    expect(described('Dead-letter queues (messages waiting)')).toEqual(
      QUEUES.map(() => 'AWS/SQS ApproximateNumberOfMessagesVisible'),
    );
    expect(described('Journey executions failed or timed out')).toEqual(
      JOURNEY_IDS.flatMap(() => ['AWS/States ExecutionsFailed', 'AWS/States ExecutionsTimedOut']),
    );
  });

  it('resolves each function, queue and state machine to its own resource', () => {
    // Act
    const dimensionKeys = (title: string) =>
      metricsOf(titled(title)).map((m) => Object.keys(m.dimensions).join(','));

    // Assess
    expect(dimensionKeys('Lambda errors')).toEqual(ENTRIES.map(() => 'FunctionName'));
    expect(dimensionKeys('Dead-letter queues (messages waiting)')).toEqual(QUEUES.map(() => 'QueueName'));
    expect(dimensionKeys('Journey executions failed or timed out')).toEqual(
      JOURNEY_IDS.flatMap(() => ['StateMachineArn', 'StateMachineArn']),
    );
  });
});

describe('Construct: OperationsAlarms (deliverability)', () => {
  let template: Template;
  let topicId: string;

  beforeAll(() => {
    template = stackTemplate;
    topicId = Object.keys(template.findResources('AWS::SNS::Topic'))[0]!;
  });

  it('alarms at a 4 % bounce rate, account-wide, notifying the alarm topic on ALARM and OK', () => {
    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.BounceRate',
      Dimensions: Match.absent(),
      Threshold: 0.04,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: topicId }],
      OKActions: [{ Ref: topicId }],
    });
  });

  it('alarms at a 0.08 % complaint rate, notifying the alarm topic', () => {
    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SES',
      MetricName: 'Reputation.ComplaintRate',
      Threshold: 0.0008,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      AlarmActions: [{ Ref: topicId }],
    });
  });

  it("watches a configuration set's own reputation when one is named", () => {
    // Assess
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Reputation.BounceRate',
      Dimensions: [{ Name: 'ses:configuration-set', Value: CONFIGURATION_SET }],
      Threshold: 0.04,
    });
  });

  it('keeps its state through periods SES publishes no rate', () => {
    // Act
    const alarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter(
      (alarm) => alarm.Properties.Namespace === 'AWS/SES',
    );

    // Assess
    expect(alarms.map((alarm) => alarm.Properties.TreatMissingData)).toEqual(['ignore', 'ignore', 'ignore']);
    expect(alarms.map((alarm) => [alarm.Properties.Statistic, alarm.Properties.Period])).toEqual([
      ['Maximum', 3600],
      ['Maximum', 3600],
      ['Maximum', 3600],
    ]);
  });
});
