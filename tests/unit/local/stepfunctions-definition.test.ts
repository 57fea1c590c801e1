import { describe, expect, it } from 'vitest';
import { resolveDefinition } from '#local/stepfunctions/resolve-definition.ts';
import {
  AWS_DEFAULT_TASK_TIMEOUT_SECONDS,
  findTaskStates,
  HEARTBEAT_TIMEOUT_ERROR,
  prepareEngineDefinition,
  taskIntegrationOf,
} from '#local/stepfunctions/task-resources.ts';

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:SendMessage';

// DefinitionSubstitutions placeholders look like template literal placeholders on purpose.
const placeholder = (key: string) => `\${${key}}`;

describe('Function: resolveDefinition', () => {
  it('replaces every placeholder with its substitution', () => {
    // Prepare
    const definition = JSON.stringify({
      Resource: placeholder('SendArn'),
      Parameters: { FunctionName: placeholder('SendArn'), Table: placeholder('Table') },
    });

    // Act
    const resolved = resolveDefinition(definition, { SendArn: FUNCTION_ARN, Table: 'Profiles' });

    // Assess
    expect(JSON.parse(resolved)).toEqual({
      Resource: FUNCTION_ARN,
      Parameters: { FunctionName: FUNCTION_ARN, Table: 'Profiles' },
    });
  });

  it('leaves a definition without placeholders as it is', () => {
    // Prepare
    const definition = '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}';

    // Act
    const resolved = resolveDefinition(definition, {});

    // Assess
    expect(resolved).toBe(definition);
  });

  it('fails when a placeholder has no substitution', () => {
    // Prepare
    const definition = JSON.stringify({ Resource: placeholder('Missing') });

    // Act
    const resolve = () => resolveDefinition(definition, { Other: 'x' });

    // Assess
    expect(resolve).toThrow(placeholder('Missing'));
  });
});

describe('Function: taskIntegrationOf', () => {
  it('recognises the optimised Lambda integration, with and without a task token', () => {
    // Prepare
    const resources = [
      'arn:aws:states:::lambda:invoke',
      'arn:aws:states:::lambda:invoke.waitForTaskToken',
      'arn:aws-cn:states:::lambda:invoke',
    ];

    // Act
    const integrations = resources.map(taskIntegrationOf);

    // Assess
    expect(integrations).toEqual([
      { kind: 'lambda-invoke', waitForTaskToken: false },
      { kind: 'lambda-invoke', waitForTaskToken: true },
      { kind: 'lambda-invoke', waitForTaskToken: false },
    ]);
  });

  it('recognises a Lambda function ARN, with or without a qualifier', () => {
    // Prepare
    const qualified = `${FUNCTION_ARN}:live`;

    // Act
    const plain = taskIntegrationOf(FUNCTION_ARN);
    const withAlias = taskIntegrationOf(qualified);

    // Assess
    expect(plain).toEqual({ kind: 'lambda-function', functionArn: FUNCTION_ARN });
    expect(withAlias).toEqual({ kind: 'lambda-function', functionArn: qualified });
  });

  it('recognises the DynamoDB item integrations and aws-sdk calls', () => {
    // Act + Assess
    expect(taskIntegrationOf('arn:aws:states:::dynamodb:putItem')).toEqual({
      kind: 'service-call',
      service: 'dynamodb',
      action: 'putItem',
      optimized: true,
    });
    expect(taskIntegrationOf('arn:aws:states:::aws-sdk:sqs:sendMessage')).toEqual({
      kind: 'service-call',
      service: 'sqs',
      action: 'sendMessage',
      optimized: false,
    });
  });

  it('marks other resources as unsupported', () => {
    // Prepare
    const resource = 'arn:aws:states:::sns:publish';

    // Act
    const integration = taskIntegrationOf(resource);

    // Assess
    expect(integration).toEqual({ kind: 'unsupported', resource });
  });
});

describe('Function: findTaskStates', () => {
  it('finds Task states inside Parallel branches and Map iterators', () => {
    // Prepare
    const definition = {
      StartAt: 'Top',
      States: {
        Top: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: 'Fan' },
        Fan: {
          Type: 'Parallel',
          Branches: [
            {
              StartAt: 'InBranch',
              States: { InBranch: { Type: 'Task', Resource: FUNCTION_ARN, End: true } },
            },
          ],
          Next: 'Each',
        },
        Each: {
          Type: 'Map',
          ItemProcessor: {
            StartAt: 'InMap',
            States: { InMap: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', End: true } },
          },
          Next: 'Legacy',
        },
        Legacy: {
          Type: 'Map',
          Iterator: {
            StartAt: 'InIterator',
            States: { InIterator: { Type: 'Task', Resource: FUNCTION_ARN, End: true } },
          },
          End: true,
        },
      },
    };

    // Act
    const tasks = findTaskStates(definition);

    // Assess
    expect(tasks.map((task) => [task.name, task.integration.kind])).toEqual([
      ['Top', 'lambda-invoke'],
      ['InBranch', 'lambda-function'],
      ['InMap', 'unsupported'],
      ['InIterator', 'lambda-function'],
    ]);
  });

  it('gives callback tasks their HeartbeatSeconds, and no other task', () => {
    // Prepare
    const definition = {
      StartAt: 'Callback',
      States: {
        Callback: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          HeartbeatSeconds: 600,
          Next: 'Call',
        },
        Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', HeartbeatSeconds: 600, End: true },
      },
    };

    // Act
    const tasks = findTaskStates(definition);

    // Assess
    expect(tasks.map((task) => [task.name, task.heartbeatSeconds])).toEqual([
      ['Callback', 600],
      ['Call', undefined],
    ]);
  });

  it('refuses HeartbeatSecondsPath rather than never timing the task out', () => {
    // Prepare
    const definition = {
      StartAt: 'Callback',
      States: {
        Callback: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          HeartbeatSecondsPath: '$.heartbeat',
          End: true,
        },
      },
    };

    // Act
    const find = () => findTaskStates(definition);

    // Assess
    expect(find).toThrow('HeartbeatSecondsPath');
  });
});

describe('Function: prepareEngineDefinition', () => {
  const definition = {
    StartAt: 'Send',
    States: {
      Send: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: 30, Next: 'Load' },
      Load: { Type: 'Task', Resource: FUNCTION_ARN, Next: 'Approve' },
      Approve: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        TimeoutSeconds: 86_400,
        Next: 'Dynamic',
      },
      Dynamic: { Type: 'Task', Resource: FUNCTION_ARN, TimeoutSecondsPath: '$.timeout', Next: 'Wait' },
      Wait: { Type: 'Wait', Seconds: 3600, End: true },
    },
  };

  it('keeps synchronous Lambda timeouts in real seconds on a sped-up clock', () => {
    // Prepare
    const speed = 3600;

    // Act
    const prepared = prepareEngineDefinition(definition, speed);

    // Assess
    expect(prepared.States.Send).toMatchObject({ TimeoutSeconds: 30 * 3600 });
    expect(prepared.States.Load).toMatchObject({ TimeoutSeconds: AWS_DEFAULT_TASK_TIMEOUT_SECONDS * 3600 });
  });

  it('keeps callback timeouts, explicit timeout paths and waits in virtual seconds', () => {
    // Prepare
    const speed = 3600;

    // Act
    const prepared = prepareEngineDefinition(definition, speed);

    // Assess
    expect(prepared.States.Approve).toMatchObject({ TimeoutSeconds: 86_400 });
    expect(prepared.States.Dynamic).not.toHaveProperty('TimeoutSeconds');
    expect(prepared.States.Wait).toEqual(definition.States.Wait);
  });

  it('lets a callback task’s retriers and catchers for States.Timeout match its heartbeat timeout too', () => {
    // Prepare
    const withHeartbeat = {
      StartAt: 'Callback',
      States: {
        Callback: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
          HeartbeatSeconds: 600,
          Retry: [
            { ErrorEquals: ['States.TaskFailed'] },
            { ErrorEquals: ['States.Timeout'], MaxAttempts: 1 },
          ],
          Catch: [{ ErrorEquals: ['States.Timeout'], Next: 'Done' }],
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    };

    // Act
    const prepared = prepareEngineDefinition(withHeartbeat, 1);

    // Assess
    expect(prepared.States.Callback.Retry.map((retrier) => retrier.ErrorEquals)).toEqual([
      ['States.TaskFailed'],
      ['States.Timeout', HEARTBEAT_TIMEOUT_ERROR],
    ]);
    expect(prepared.States.Callback.Catch[0]?.ErrorEquals).toEqual([
      'States.Timeout',
      HEARTBEAT_TIMEOUT_ERROR,
    ]);
  });

  it('leaves the definition it was given unchanged', () => {
    // Prepare
    const before = structuredClone(definition);

    // Act
    prepareEngineDefinition(definition, 60);

    // Assess
    expect(definition).toEqual(before);
  });
});
