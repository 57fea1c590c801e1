import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  type HttpRoute,
  type HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

const INGEST_AUTHENTICATION =
  'Authentication happens inside the handler, per source: a bearer API key (hash looked up in the stores table), a Segment Basic write key, or a Shopify HMAC-SHA256 over the raw request body. An API Gateway authorizer cannot see the raw body, so it cannot verify Shopify webhooks, and one uniform authorizer cannot serve the three schemes.';

/** Paths served by the Segment-compatible function (Segment HTTP tracking API). */
export const SEGMENT_PATHS = ['/v1/track', '/v1/identify', '/v1/page', '/v1/batch'] as const;
/** Path served by the own-schema function. */
export const OWN_EVENTS_PATH = '/v1/events';
/** Path served by the Shopify webhook function. */
export const SHOPIFY_WEBHOOK_PATH = '/webhooks/shopify/{storeId}';

export interface IngestApiProps {
  /** Handles `POST /v1/events` (canonical events, bearer API key). */
  readonly ownEventsFunction: IFunction;
  /** Handles `POST /v1/track|identify|page|batch` (Segment, Basic write key). */
  readonly segmentFunction: IFunction;
  /** Handles `POST /webhooks/shopify/{storeId}` (Shopify, HMAC over the raw body). */
  readonly shopifyWebhookFunction: IFunction;
  /**
   * Steady-state requests per second allowed on the stage.
   * @default 1000
   */
  readonly throttlingRateLimit?: number;
  /**
   * Burst of requests allowed on the stage.
   * @default 2000
   */
  readonly throttlingBurstLimit?: number;
  /**
   * The Shopify webhook route's own ceiling, below the stage's.
   * @default { rateLimit: 200, burstLimit: 400 }
   */
  readonly shopifyThrottle?: { rateLimit: number; burstLimit: number };
  /**
   * How long access-log events are kept.
   * @default RetentionDays.ONE_MONTH
   */
  readonly accessLogRetention?: RetentionDays;
}

/**
 * The HTTP API in front of the ingest functions: Lambda proxy integrations (payload format 2.0)
 * on a `$default` stage with access logging and throttling. No API Gateway authorizer: every
 * handler authenticates the request itself (see the acknowledged AwsSolutions-APIG4 finding).
 */
export class IngestApi extends Construct {
  /** The HTTP API. */
  readonly httpApi: HttpApi;
  /** The `$default` stage. */
  readonly stage: HttpStage;
  /** Log group receiving the stage's access logs. */
  readonly accessLogGroup: LogGroup;
  /** Every route, in declaration order. */
  readonly routes: readonly HttpRoute[];
  /** Base URL of the `$default` stage, ending in `/`. */
  readonly url: string;
  /** Per-route throttles below the stage's, by route key (`POST /unsubscribe`). */
  private readonly routeThrottles: Record<
    string,
    { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }
  > = {};

  constructor(scope: Construct, id: string, props: IngestApiProps) {
    super(scope, id);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'storefront-journeys ingest: own events, Segment-compatible, Shopify webhooks',
      createDefaultStage: false,
    });

    this.accessLogGroup = new LogGroup(this, 'AccessLogs', {
      retention: props.accessLogRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.stage = this.httpApi.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: {
        rateLimit: props.throttlingRateLimit ?? 1000,
        burstLimit: props.throttlingBurstLimit ?? 2000,
      },
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        // No source IP or headers: access logs carry no personal data.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            requestTime: '$context.requestTime',
            httpMethod: '$context.httpMethod',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            protocol: '$context.protocol',
            responseLength: '$context.responseLength',
            responseLatency: '$context.responseLatency',
            integrationStatus: '$context.integrationStatus',
            integrationLatency: '$context.integrationLatency',
            integrationErrorMessage: '$context.integrationErrorMessage',
            errorMessage: '$context.error.message',
          }),
        ),
      },
    });
    this.url = this.stage.url;

    const ownEvents = new HttpLambdaIntegration('OwnEventsIntegration', props.ownEventsFunction);
    const segment = new HttpLambdaIntegration('SegmentIntegration', props.segmentFunction);
    const shopify = new HttpLambdaIntegration('ShopifyWebhookIntegration', props.shopifyWebhookFunction);

    this.routes = [
      ...this.httpApi.addRoutes({
        path: OWN_EVENTS_PATH,
        methods: [HttpMethod.POST],
        integration: ownEvents,
      }),
      ...SEGMENT_PATHS.flatMap((path) =>
        this.httpApi.addRoutes({ path, methods: [HttpMethod.POST], integration: segment }),
      ),
      ...this.httpApi.addRoutes({
        path: SHOPIFY_WEBHOOK_PATH,
        methods: [HttpMethod.POST],
        integration: shopify,
      }),
    ];

    for (const route of this.routes) {
      Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason: INGEST_AUTHENTICATION });
    }
    // Shopify retries what it could not deliver, so its route can take a lower ceiling than the
    // storefront's: a flood of forged webhooks (each needs an HMAC check) cannot starve ingest.
    this.throttleRoute(
      `POST ${SHOPIFY_WEBHOOK_PATH}`,
      props.shopifyThrottle ?? { rateLimit: 200, burstLimit: 400 },
    );
  }

  /** Caps one route below the stage's throttle (API Gateway route settings). */
  throttleRoute(routeKey: string, limits: { rateLimit: number; burstLimit: number }): void {
    this.routeThrottles[routeKey] = {
      ThrottlingRateLimit: limits.rateLimit,
      ThrottlingBurstLimit: limits.burstLimit,
    };
    (this.stage.node.defaultChild as CfnStage).addPropertyOverride('RouteSettings', this.routeThrottles);
  }

  /**
   * Adds a route whose handler authenticates the request itself (e.g. a signed token in the URL),
   * with the reason cdk-nag's missing-authorizer finding is acknowledged.
   */
  addRouteAuthenticatedByHandler(
    path: string,
    methods: HttpMethod[],
    fn: IFunction,
    reason: string,
    throttle?: { rateLimit: number; burstLimit: number },
  ): HttpRoute[] {
    const integration = new HttpLambdaIntegration(`${fn.node.id}Integration`, fn);
    const routes = this.httpApi.addRoutes({ path, methods, integration });
    for (const route of routes) Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason });
    if (throttle !== undefined)
      for (const method of methods) this.throttleRoute(`${method} ${path}`, throttle);
    return routes;
  }
}
