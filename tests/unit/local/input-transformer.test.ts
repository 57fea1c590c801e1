import { describe, expect, it } from 'vitest';
import { evaluatePath, renderTargetInput, transformInput } from '#local/eventbridge/input-transformer.ts';

// The EC2 event and input paths of the EventBridge user guide's input transformation examples.
const ec2Event = {
  version: '0',
  id: '7bf73129-1428-4cd3-a780-95db273d1602',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '123456789012',
  time: '2015-11-11T21:29:54Z',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111'],
  detail: { 'instance-id': 'i-0123456789', state: 'RUNNING' },
};
const InputPathsMap = {
  timestamp: '$.time',
  instance: '$.detail.instance-id',
  state: '$.detail.state',
  resource: '$.resources[0]',
};
const rule = { ruleName: 'example', ruleArn: 'arn:aws:events:us-east-2:123456789012:rule/example' };

function transformed(InputTemplate: string) {
  return renderTargetInput({ inputTransformer: { InputPathsMap, InputTemplate } }, ec2Event, rule);
}

describe('Function: renderTargetInput', () => {
  it('fills a simple string template', () => {
    // Prepare
    const template = '"instance <instance> is in <state>"';

    // Act
    const output = transformed(template);

    // Assess
    expect(output).toBe('"instance i-0123456789 is in RUNNING"');
  });

  it('keeps escaped quotes of a string template', () => {
    // Prepare
    const template = '"instance \\"<instance>\\" is in <state>"';

    // Act
    const output = transformed(template);

    // Assess
    expect(output).toBe('"instance \\"i-0123456789\\" is in RUNNING"');
  });

  it('quotes string values placed outside quotes in a JSON template', () => {
    // Prepare
    const template = '{"instance" : <instance>,"state": <state>}';

    // Act
    const output = transformed(template);

    // Assess
    expect(JSON.parse(output)).toEqual({ instance: 'i-0123456789', state: 'RUNNING' });
  });

  it('splices values into strings of a JSON template', () => {
    // Prepare
    const template =
      '{"instance" : <instance>,"state": "<state>","instanceStatus": "instance \\"<instance>\\" is in <state>"}';

    // Act
    const output = transformed(template);

    // Assess
    expect(JSON.parse(output)).toEqual({
      instance: 'i-0123456789',
      state: 'RUNNING',
      instanceStatus: 'instance "i-0123456789" is in RUNNING',
    });
  });

  it('mixes variables with static values in a JSON template', () => {
    // Prepare
    const template = '{"instance" : <instance>,"state": [ 9, <state>, true ],"Transformed" : "Yes"}';

    // Act
    const output = transformed(template);

    // Assess
    expect(JSON.parse(output)).toEqual({
      instance: 'i-0123456789',
      state: [9, 'RUNNING', true],
      Transformed: 'Yes',
    });
  });

  it('fills the reserved variables in a JSON template', () => {
    // Prepare
    const template =
      '{"instance" : <instance>,"state": <state>,"ruleArn" : <aws.events.rule-arn>,"ruleName" : <aws.events.rule-name>,"originalEvent" : <aws.events.event.json>}';

    // Act
    const output = transformed(template);

    // Assess
    expect(JSON.parse(output)).toEqual({
      instance: 'i-0123456789',
      state: 'RUNNING',
      ruleArn: 'arn:aws:events:us-east-2:123456789012:rule/example',
      ruleName: 'example',
      originalEvent: ec2Event,
    });
  });

  it('fills a reserved variable in a string template', () => {
    // Prepare
    const template = '"<aws.events.rule-name> triggered"';

    // Act
    const output = transformed(template);

    // Assess
    expect(output).toBe('"example triggered"');
  });

  it('gives the event without its detail for aws.events.event, and its time as ingestion time', () => {
    // Prepare
    const template = '{"event": <aws.events.event>, "at": <aws.events.event.ingestion-time>}';

    // Act
    const output = JSON.parse(transformed(template));

    // Assess
    expect(output.event).not.toHaveProperty('detail');
    expect(output.event.id).toBe(ec2Event.id);
    expect(output.at).toBe('2015-11-11T21:29:54Z');
  });

  it('reads array elements and names with dashes', () => {
    // Prepare
    const template = '{"resource": <resource>, "id": "<instance>"}';

    // Act
    const output = transformed(template);

    // Assess
    expect(JSON.parse(output)).toEqual({
      resource: 'arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111',
      id: 'i-0123456789',
    });
  });

  it('places a journey trigger object and configuration into a state machine input', () => {
    // Prepare
    const event = { ...ec2Event, detail: { cartId: 'cart-1', total: { amount: '12.50', currency: 'EUR' } } };
    const target = {
      inputTransformer: {
        InputPathsMap: { detail: '$.detail', type: '$.detail-type' },
        InputTemplate:
          '{"journey":"cart-reminder","config":{"delayHours":4},"type":"<type>","trigger":<detail>}',
      },
    };

    // Act
    const input = transformInput(target, event);

    // Assess
    expect(input).toEqual({
      journey: 'cart-reminder',
      config: { delayHours: 4 },
      type: 'EC2 Instance State-change Notification',
      trigger: event.detail,
    });
  });

  it('keeps a JSON template valid when a spliced string holds quotes', () => {
    // Prepare
    const event = { detail: { name: 'The "best" shoes' } };
    const target = {
      inputTransformer: {
        InputPathsMap: { name: '$.detail.name' },
        InputTemplate: '{"subject": "About <name>"}',
      },
    };

    // Act
    const input = transformInput(target, event);

    // Assess
    expect(input).toEqual({ subject: 'About The "best" shoes' });
  });

  it('gives null for a missing path outside quotes and nothing inside quotes', () => {
    // Prepare
    const target = {
      inputTransformer: {
        InputPathsMap: { coupon: '$.detail.coupon' },
        InputTemplate: '{"coupon": <coupon>, "note": "coupon <coupon>"}',
      },
    };

    // Act
    const input = transformInput(target, ec2Event);

    // Assess
    expect(input).toEqual({ coupon: null, note: 'coupon ' });
  });

  it('sends the constant Input instead of the event', () => {
    // Prepare
    const target = { input: '{"journey":"win-back"}' };

    // Act
    const input = transformInput(target, ec2Event);

    // Assess
    expect(input).toEqual({ journey: 'win-back' });
  });

  it('sends the part of the event InputPath selects', () => {
    // Prepare
    const target = { inputPath: '$.detail' };

    // Act
    const input = transformInput(target, ec2Event);

    // Assess
    expect(input).toEqual(ec2Event.detail);
  });

  it('sends the whole event without any input configuration', () => {
    // Prepare
    const target = {};

    // Act
    const text = renderTargetInput(target, ec2Event);

    // Assess
    expect(JSON.parse(text)).toEqual(ec2Event);
  });

  it('returns the text of a template that is not JSON', () => {
    // Prepare
    const target = { inputTransformer: { InputPathsMap, InputTemplate: '<instance> is in state <state>' } };

    // Act
    const input = transformInput(target, ec2Event);

    // Assess
    expect(input).toBe('i-0123456789 is in state RUNNING');
  });

  it('fails for a placeholder that InputPathsMap does not define', () => {
    // Prepare
    const target = { inputTransformer: { InputTemplate: '{"x": <undefinedVariable>}' } };

    // Act
    const render = () => renderTargetInput(target, ec2Event);

    // Assess
    expect(render).toThrow('<undefinedVariable>');
  });
});

describe('Function: evaluatePath', () => {
  it('reads dotted, bracketed and indexed paths', () => {
    // Prepare
    const document = { a: { 'b-c': [{ d: 1 }] } };

    // Act
    const dotted = evaluatePath(document, '$.a.b-c[0].d');
    const bracketed = evaluatePath(document, "$['a']['b-c'][0]");
    const root = evaluatePath(document, '$');

    // Assess
    expect(dotted).toEqual({ found: true, value: 1 });
    expect(bracketed).toEqual({ found: true, value: { d: 1 } });
    expect(root).toEqual({ found: true, value: document });
  });

  it('reports a path that leads nowhere as not found', () => {
    // Prepare
    const document = { a: [1] };

    // Act
    const missingKey = evaluatePath(document, '$.b');
    const missingIndex = evaluatePath(document, '$.a[3]');

    // Assess
    expect(missingKey).toEqual({ found: false });
    expect(missingIndex).toEqual({ found: false });
  });

  it('fails for a path that is not JSONPath', () => {
    // Prepare
    const path = 'detail.x';

    // Act
    const evaluate = () => evaluatePath({}, path);

    // Assess
    expect(evaluate).toThrow('must start with $');
  });
});
