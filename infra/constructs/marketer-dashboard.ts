import { Duration } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Dashboard,
  GraphWidget,
  GraphWidgetView,
  type HorizontalAnnotation,
  type IMetric,
  type IWidget,
  MathExpression,
  Metric,
  type MetricOptions,
  SingleValueWidget,
  TextWidget,
  type YAxisProps,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { assertUnreachable } from '#shared/errors.ts';
import type { AppMetric, ResourceMetric, Widget, WidgetRow } from '../dashboard/widget-model.ts';
import {
  APP_METRICS,
  dashboardRows,
  isAppMetricName,
  SES_CONFIGURATION_SET_DIMENSION,
  SES_CONFIGURATION_SET_RESOURCE,
  SES_NAMESPACE,
} from '../dashboard/widgets.ts';
import { METRICS_NAMESPACE } from './service-function.ts';

/** Period of every metric on graphs; `bar` and `number` widgets aggregate over the whole time range instead. */
const PERIOD = Duration.minutes(5);
const DASHBOARD_WIDTH = 24;
const NUMBER_WIDTH = 4;
const WIDGET_HEIGHT = 6;

export interface MarketerDashboardProps {
  /** The ingest HTTP API (role `ingest-api`). */
  readonly api: IHttpApi;
  /** Functions by entry file (role `function`), e.g. `functions/ingest/handlers/own-events.ts`. */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** Dead-letter queues by a name shown on the dashboard (role `dead-letter-queue`). */
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  /** State machines by journey id (role `state-machine`); the dashboard has a row per journey, in this order. */
  readonly stateMachines: Readonly<Record<string, IStateMachine>>;
  /** SES configuration set the journey mails are sent with (its reputation metrics, role `ses-reputation`). */
  readonly configurationSetName: string;
  /**
   * Currencies the stores sell in; revenue is drawn per currency.
   * @default ['USD']
   */
  readonly currencies?: readonly string[];
}

/** SES's reputation metric (0–1) for the account, or for one configuration set when its name is given. */
export function sesReputationMetric(
  metricName: string,
  configurationSetName: string | undefined,
  options: MetricOptions = {},
): Metric {
  return new Metric({
    ...options,
    namespace: SES_NAMESPACE,
    metricName,
    dimensionsMap:
      configurationSetName === undefined ? {} : { [SES_CONFIGURATION_SET_DIMENSION]: configurationSetName },
  });
}

/**
 * The marketer's CloudWatch dashboard: `dashboardRows` (the data the local page renders too) drawn with a
 * heading per row, resolving each widget's resource roles to the constructs passed in.
 */
export class MarketerDashboard extends Construct {
  readonly dashboard: Dashboard;
  /** The rows drawn, as data. */
  readonly rows: readonly WidgetRow[];
  private readonly props: MarketerDashboardProps;

  constructor(scope: Construct, id: string, props: MarketerDashboardProps) {
    super(scope, id);
    this.props = props;
    this.rows = dashboardRows(Object.keys(props.stateMachines), {
      functions: Object.keys(props.functions),
      deadLetterQueues: Object.keys(props.deadLetterQueues),
      currencies: props.currencies,
    });
    // No dashboard name: CloudFormation generates one, so two deployments of the app never collide.
    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(7) });
    for (const row of this.rows) {
      this.dashboard.addWidgets(
        new TextWidget({ markdown: `## ${row.title}`, width: DASHBOARD_WIDTH, height: 1 }),
      );
      const widths = widgetWidths(row.widgets);
      this.dashboard.addWidgets(...row.widgets.map((widget, index) => this.widget(widget, widths[index]!)));
    }
  }

  private widget(widget: Widget, width: number): IWidget {
    const metrics = this.metrics(widget);
    const common = { title: widget.title, width, height: WIDGET_HEIGHT };
    switch (widget.kind) {
      case 'number':
        if (widget.thresholds !== undefined)
          throw new Error(`Widget ${widget.id}: numbers draw no thresholds`);
        return new SingleValueWidget({ ...common, metrics, setPeriodToTimeRange: true });
      case 'bar':
        return new GraphWidget({
          ...common,
          left: metrics,
          view: GraphWidgetView.BAR,
          setPeriodToTimeRange: true,
          leftAnnotations: annotations(widget),
        });
      case 'line':
        return new GraphWidget({
          ...common,
          left: metrics,
          view: GraphWidgetView.TIME_SERIES,
          leftYAxis: yAxis(widget),
          leftAnnotations: annotations(widget),
        });
      default:
        return assertUnreachable(widget.kind);
    }
  }

  /** What the widget draws: shown metrics and expressions; hidden metrics come in through the expressions. */
  private metrics(widget: Widget): IMetric[] {
    const byId = new Map<string, IMetric>();
    const drawn: IMetric[] = [];
    for (const [index, metric] of widget.metrics.entries()) {
      switch (metric.source) {
        case 'app':
        case 'resource': {
          const rendered = metric.source === 'app' ? this.appMetric(metric) : this.resourceMetric(metric);
          byId.set(`m${index}`, rendered);
          if (metric.hidden !== true) drawn.push(rendered);
          break;
        }
        case 'expression':
          drawn.push(
            new MathExpression({
              expression: metric.expression,
              label: metric.label,
              usingMetrics: usedMetrics(widget, metric.expression, byId),
              period: PERIOD,
            }),
          );
          break;
        default:
          assertUnreachable(metric);
      }
    }
    return drawn;
  }

  private appMetric(metric: AppMetric): IMetric {
    if (!isAppMetricName(metric.name)) throw new Error(`Unknown app metric "${metric.name}"`);
    return new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: metric.name,
      // Powertools adds the emitting service to every metric's dimension set.
      dimensionsMap: { service: APP_METRICS[metric.name].service, ...metric.dimensions },
      statistic: metric.statistic,
      label: metric.label,
      period: PERIOD,
    });
  }

  private resourceMetric(metric: ResourceMetric): IMetric {
    const options: MetricOptions = { statistic: metric.statistic, label: metric.label, period: PERIOD };
    switch (metric.role) {
      case 'ingest-api':
        return this.props.api.metric(metric.metric, options);
      case 'function':
        return named(this.props.functions, metric).metric(metric.metric, options);
      case 'dead-letter-queue':
        return named(this.props.deadLetterQueues, metric).metric(metric.metric, options);
      case 'state-machine':
        return named(this.props.stateMachines, metric).metric(metric.metric, options);
      case 'ses-reputation':
        return sesReputationMetric(
          metric.metric,
          metric.resource === SES_CONFIGURATION_SET_RESOURCE ? this.props.configurationSetName : undefined,
          options,
        );
      default:
        return assertUnreachable(metric.role);
    }
  }
}

/** The metrics an expression names, which must come before it in its widget. */
function usedMetrics(
  widget: Widget,
  expression: string,
  byId: ReadonlyMap<string, IMetric>,
): Record<string, IMetric> {
  const used: Record<string, IMetric> = {};
  for (const id of new Set(expression.match(/\bm\d+\b/g) ?? [])) {
    const metric = byId.get(id);
    if (metric === undefined)
      throw new Error(`Widget ${widget.id}: "${expression}" uses ${id}, not a metric before it`);
    used[id] = metric;
  }
  return used;
}

function named<T>(resources: Readonly<Record<string, T>>, metric: ResourceMetric): T {
  const found = metric.resource === undefined ? undefined : resources[metric.resource];
  if (found === undefined)
    throw new Error(`No ${metric.role} named "${metric.resource}" for "${metric.label}"`);
  return found;
}

function annotations(widget: Widget): HorizontalAnnotation[] | undefined {
  return widget.thresholds?.map(({ value, label }) => ({ value, label }));
}

function yAxis(widget: Widget): YAxisProps {
  switch (widget.unit) {
    case 'percent':
      return { min: 0, label: '%', showUnits: false };
    case 'money':
      return { min: 0, label: 'Revenue', showUnits: false };
    case 'count':
    case undefined:
      return { min: 0, showUnits: false };
    default:
      return assertUnreachable(widget.unit);
  }
}

/** Numbers are narrow; graphs share the rest of the row, the first ones taking what does not divide evenly. */
function widgetWidths(widgets: readonly Widget[]): number[] {
  const numbers = widgets.filter((widget) => widget.kind === 'number').length;
  const graphs = widgets.length - numbers;
  const numberWidth = graphs === 0 ? Math.floor(DASHBOARD_WIDTH / Math.max(numbers, 1)) : NUMBER_WIDTH;
  const rest = DASHBOARD_WIDTH - numbers * numberWidth;
  let graphIndex = 0;
  return widgets.map((widget) => {
    if (widget.kind === 'number') return numberWidth;
    const width = Math.floor(rest / graphs) + (graphIndex < rest % graphs ? 1 : 0);
    graphIndex += 1;
    return width;
  });
}
