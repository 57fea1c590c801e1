/**
 * What the local runtime counted during a simulation: the operations AWS bills for. The cost estimate
 * multiplies these by a price table. Only Lambda's billed duration is assumed rather than counted:
 * local durations depend on the machine's load.
 */
export interface OperationCounts {
  /** Length of the simulated period in days; the estimate scales it to a 30-day month. */
  days: number;
  /** Requests the HTTP API answered (every status). */
  httpApiRequests: number;
  /** PutEvents entries, each counted in 64 KB units as EventBridge bills them (custom and SES events). */
  eventBridgeEvents: number;
  lambda: {
    invocations: number;
    /** Invocations × configured memory in GB × the assumed billed duration (`ASSUMED_LAMBDA_MS`). */
    gbSeconds: number;
  };
  /** Standard workflow state transitions. */
  stepFunctionsTransitions: number;
  /** The same by state machine, with the executions started (in the JSON report; the bill uses the total). */
  stepFunctionsByMachine?: Record<string, { executions: number; transitions: number }>;
  dynamodb: {
    readRequestUnits: number;
    writeRequestUnits: number;
  };
  /** SQS API requests (send, receive, delete, change visibility), each counted per 64 KB chunk. */
  sqsRequests: number;
  /** Mails SES accepted. */
  sesMails: number;
  /** EventBridge Scheduler invocations. */
  schedulerInvocations: number;
  cloudwatch: {
    /**
     * Metric-months: each distinct metric (namespace, name, dimension values) prorated by the hours
     * it was emitted in, as CloudWatch bills them, over a 30-day month.
     */
    customMetrics: number;
    /** The same by metric name (in the JSON report; the bill uses the total). */
    customMetricsByName?: Record<string, number>;
    /** Bytes of log lines the functions wrote (CloudWatch Logs ingestion). */
    logBytes: number;
    dashboards: number;
    alarms: number;
  };
}
