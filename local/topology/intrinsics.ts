/**
 * Resolves CloudFormation intrinsic functions in a synthesized template to the local equivalents of
 * what CloudFormation would produce (names, ARNs, URLs), so environment variables and targets wired
 * by CDK point at the local resources.
 */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface StackTemplate {
  stackName: string;
  template: {
    Resources?: Record<string, CfnResource>;
    Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
    Parameters?: Record<string, { Default?: unknown }>;
  };
}

export interface LocalEnvironment {
  account: string;
  region: string;
  /** Base URL of the local SQS, for queue URLs. */
  sqsEndpoint: string;
  /** Base URL of the local HTTP API front door, standing in for `https://<api>.execute-api.<region>.amazonaws.com`. */
  httpApiUrl: string;
}

const EXECUTE_API_URL = /^https:\/\/[^./]+\.execute-api\.[^./]+\.amazonaws\.com(\/|$)/;
/** Resource types whose `Ref` is their ARN rather than their name. */
const REF_IS_ARN = new Set([
  'AWS::SNS::Topic',
  'AWS::StepFunctions::StateMachine',
  'AWS::StepFunctions::StateMachineVersion',
  'AWS::StepFunctions::StateMachineAlias',
]);

export class TemplateResolver {
  private readonly resources = new Map<string, { stack: StackTemplate; resource: CfnResource }>();
  private readonly exports = new Map<string, { stack: StackTemplate; value: unknown }>();
  private versionNumbers: Map<string, number> | undefined;

  constructor(
    readonly stacks: StackTemplate[],
    private readonly env: LocalEnvironment,
  ) {
    for (const stack of stacks) {
      for (const [id, resource] of Object.entries(stack.template.Resources ?? {})) {
        this.resources.set(id, { stack, resource });
      }
    }
    for (const stack of stacks) {
      for (const output of Object.values(stack.template.Outputs ?? {})) {
        if (output.Export !== undefined) {
          this.exports.set(String(this.resolve(output.Export.Name, stack)), { stack, value: output.Value });
        }
      }
    }
  }

  /** Every resource of a type, with its logical id. */
  ofType(type: string): Array<{ id: string; resource: CfnResource; stack: StackTemplate }> {
    return [...this.resources.entries()]
      .filter(([, { resource }]) => resource.Type === type)
      .map(([id, { resource, stack }]) => ({ id, resource, stack }));
  }

  resource(id: string): CfnResource | undefined {
    return this.resources.get(id)?.resource;
  }

  /** The local physical name: an explicit name property, else the logical id (CDK sets no names). */
  physicalName(id: string): string {
    const resource = this.resource(id);
    const props = resource?.Properties ?? {};
    const explicit =
      props.TableName ?? props.QueueName ?? props.Name ?? props.FunctionName ?? props.StateMachineName;
    return typeof explicit === 'string' ? explicit : id;
  }

  arn(id: string): string {
    const { account, region } = this.env;
    const name = this.physicalName(id);
    switch (this.resource(id)?.Type) {
      case 'AWS::DynamoDB::Table':
      case 'AWS::DynamoDB::GlobalTable':
        return `arn:aws:dynamodb:${region}:${account}:table/${name}`;
      case 'AWS::SQS::Queue':
        return `arn:aws:sqs:${region}:${account}:${name}`;
      case 'AWS::Events::EventBus':
        return `arn:aws:events:${region}:${account}:event-bus/${name}`;
      case 'AWS::Lambda::Function':
        return `arn:aws:lambda:${region}:${account}:function:${name}`;
      case 'AWS::StepFunctions::StateMachine':
        return `arn:aws:states:${region}:${account}:stateMachine:${name}`;
      case 'AWS::StepFunctions::StateMachineVersion':
        return `${this.versionedStateMachineArn(id)}:${this.versionNumber(id)}`;
      case 'AWS::StepFunctions::StateMachineAlias':
        return `${this.aliasedStateMachineArn(id)}:${name}`;
      case 'AWS::SNS::Topic':
        return `arn:aws:sns:${region}:${account}:${name}`;
      default:
        return `arn:aws:local:${region}:${account}:${id}`;
    }
  }

  /** What `Ref` returns for each resource type. */
  ref(id: string, stack: StackTemplate): unknown {
    const parameter = stack.template.Parameters?.[id];
    if (parameter !== undefined) return parameter.Default ?? '';
    const type = this.resource(id)?.Type;
    if (type === 'AWS::SQS::Queue')
      return `${this.env.sqsEndpoint}/${this.env.account}/${this.physicalName(id)}`;
    if (type !== undefined && REF_IS_ARN.has(type)) return this.arn(id);
    return this.physicalName(id);
  }

  /**
   * A version's number. CloudFormation numbers the versions of a state machine in the order it
   * publishes them; a fresh local deployment publishes the template's versions in declaration order,
   * so the first one declared for a state machine is 1.
   */
  private versionNumber(id: string): number {
    if (this.versionNumbers === undefined) {
      const numbers = new Map<string, number>();
      const published = new Map<string, number>();
      for (const version of this.ofType('AWS::StepFunctions::StateMachineVersion')) {
        const machineArn = this.versionedStateMachineArn(version.id);
        const number = (published.get(machineArn) ?? 0) + 1;
        published.set(machineArn, number);
        numbers.set(version.id, number);
      }
      this.versionNumbers = numbers;
    }
    return this.versionNumbers.get(id) ?? 1;
  }

  private versionedStateMachineArn(id: string): string {
    return String(this.resolvedProperty(id, 'StateMachineArn'));
  }

  /** The state machine of an alias: that of the version it routes to (or deploys). */
  private aliasedStateMachineArn(id: string): string {
    const routing = this.resolvedProperty(id, 'RoutingConfiguration') as
      | Array<{ StateMachineVersionArn?: unknown }>
      | undefined;
    const deployment = this.resolvedProperty(id, 'DeploymentPreference') as
      | { StateMachineVersionArn?: unknown }
      | undefined;
    const versionArn = String(
      routing?.[0]?.StateMachineVersionArn ?? deployment?.StateMachineVersionArn ?? '',
    );
    return versionArn.replace(/:[0-9]+$/, '');
  }

  private resolvedProperty(id: string, property: string): unknown {
    const entry = this.resources.get(id);
    return entry === undefined ? undefined : this.resolve(entry.resource.Properties?.[property], entry.stack);
  }

  getAtt(id: string, attribute: string): unknown {
    switch (attribute) {
      case 'Arn':
        return this.arn(id);
      case 'QueueName':
      case 'Name':
        return this.physicalName(id);
      case 'QueueUrl':
        return `${this.env.sqsEndpoint}/${this.env.account}/${this.physicalName(id)}`;
      default:
        return `${this.arn(id)}/${attribute}`;
    }
  }

  resolve(value: unknown, stack: StackTemplate): unknown {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item, stack));
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value);
    const [key, argument] = entries[0] ?? [];
    if (entries.length === 1 && key !== undefined) {
      switch (key) {
        case 'Ref':
          return this.pseudo(String(argument), stack) ?? this.ref(String(argument), stack);
        case 'Fn::GetAtt': {
          const [id, attribute] = Array.isArray(argument) ? argument : String(argument).split('.');
          return this.getAtt(String(id), String(attribute));
        }
        case 'Fn::ImportValue': {
          const name = String(this.resolve(argument, stack));
          const exported = this.exports.get(name);
          if (exported === undefined) throw new Error(`template imports ${name}, which no stack exports`);
          return this.resolve(exported.value, exported.stack);
        }
        case 'Fn::Join': {
          const [separator, parts] = argument as [string, unknown[]];
          const joined = (this.resolve(parts, stack) as unknown[]).join(separator);
          // The HTTP API's URL is built by a join; locally the same API is the HTTP front door.
          return joined.replace(EXECUTE_API_URL, `${this.env.httpApiUrl.replace(/\/$/, '')}$1`);
        }
        case 'Fn::Select': {
          const [index, list] = argument as [number, unknown];
          return (this.resolve(list, stack) as unknown[])[Number(index)];
        }
        case 'Fn::Split': {
          const [separator, text] = argument as [string, unknown];
          return String(this.resolve(text, stack)).split(separator);
        }
        case 'Fn::Sub':
          return this.sub(argument, stack);
      }
    }
    return Object.fromEntries(entries.map(([name, item]) => [name, this.resolve(item, stack)]));
  }

  private sub(argument: unknown, stack: StackTemplate): string {
    const [text, variables = {}] = Array.isArray(argument) ? argument : [argument, {}];
    return String(text).replace(/\$\{([^}!]+)\}/g, (_, name: string) => {
      if (name in variables) return String(this.resolve((variables as Record<string, unknown>)[name], stack));
      const [id, attribute] = name.split('.');
      if (attribute !== undefined) return String(this.getAtt(id as string, attribute));
      return String(this.pseudo(name, stack) ?? this.ref(name, stack));
    });
  }

  private pseudo(name: string, stack: StackTemplate): string | undefined {
    const values: Record<string, string> = {
      'AWS::Region': this.env.region,
      'AWS::AccountId': this.env.account,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::StackName': stack.stackName,
      'AWS::NoValue': '',
    };
    return values[name];
  }
}
