/**
 * Reading synthesized templates the way the local runtime does: routes to integrations to functions,
 * `Fn::ImportValue` back to the producing stack's logical id, functions by their entry metadata.
 */
import type { Template } from 'aws-cdk-lib/assertions';

export type Json = Record<string, unknown>;
export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Json;
  readonly Metadata?: Json;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}
export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { Value: unknown; Export?: { Name: string } }>;
  readonly Parameters?: Record<string, Json>;
  readonly Conditions?: Record<string, unknown>;
}

export const ENTRY_KEY = 'storefront-journeys:entry';

export function raw(template: Template): CfnTemplate {
  return template.toJSON() as CfnTemplate;
}

export function resourcesOfType(template: CfnTemplate, type: string): [string, CfnResource][] {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

export function logicalIdOfType(
  template: CfnTemplate,
  type: string,
  predicate: (r: CfnResource) => boolean = () => true,
): string {
  const found = resourcesOfType(template, type).filter(([, r]) => predicate(r));
  if (found.length !== 1) throw new Error(`Expected one ${type}, found ${found.length}`);
  return found[0]![0];
}

/** Logical id of the one resource of `type` whose construct id starts the logical id (`ProfilesTable…`). */
export function logicalIdNamed(template: CfnTemplate, type: string, constructId: string): string {
  const found = resourcesOfType(template, type).filter(([id]) =>
    new RegExp(`^${constructId}[0-9A-F]{8}$`).test(id),
  );
  if (found.length !== 1) throw new Error(`Expected one ${type} named ${constructId}, found ${found.length}`);
  return found[0]![0];
}

/** `cart-abandonment` → `CartAbandonment`: how a journey id becomes part of its construct ids. */
export function pascalCase(id: string): string {
  return id.replace(/(^|-)(\w)/g, (_, __, letter: string) => letter.toUpperCase());
}

/** Logical id of the Lambda function whose metadata names this entry file. */
export function functionIdByEntry(template: CfnTemplate, entry: string): string {
  return logicalIdOfType(template, 'AWS::Lambda::Function', (r) => r.Metadata?.[ENTRY_KEY] === entry);
}

/** Entry file of the function a route key (e.g. `POST /v1/events`) invokes. */
export function entryOfRoute(template: CfnTemplate, routeKey: string): string {
  const routeId = logicalIdOfType(
    template,
    'AWS::ApiGatewayV2::Route',
    (r) => r.Properties?.RouteKey === routeKey,
  );
  const target = JSON.stringify(template.Resources[routeId]!.Properties!.Target);
  const integrationId = resourcesOfType(template, 'AWS::ApiGatewayV2::Integration').find(([id]) =>
    target.includes(`"Ref":"${id}"`),
  )?.[0];
  if (integrationId === undefined) throw new Error(`No integration for ${routeKey}`);
  const uri = template.Resources[integrationId]!.Properties!.IntegrationUri as {
    'Fn::GetAtt': [string, string];
  };
  const fn = template.Resources[uri['Fn::GetAtt'][0]]!;
  return fn.Metadata?.[ENTRY_KEY] as string;
}

/**
 * What a value in the consuming stack points at in the producing stack: `{ Ref: id }` or
 * `{ 'Fn::GetAtt': [id, attr] }`, following `Fn::ImportValue` through the producer's exports.
 */
export function resolveImport(producer: CfnTemplate, value: unknown): unknown {
  const importName = (value as { 'Fn::ImportValue'?: string } | undefined)?.['Fn::ImportValue'];
  if (importName === undefined) return value;
  const output = Object.values(producer.Outputs ?? {}).find((o) => o.Export?.Name === importName);
  if (output === undefined) throw new Error(`No export named ${importName}`);
  return output.Value;
}

/** Logical id of the producer resource a (possibly imported) Ref/GetAtt points at. */
export function referencedLogicalId(producer: CfnTemplate, value: unknown): string | undefined {
  const resolved = resolveImport(producer, value) as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  return resolved?.Ref ?? resolved?.['Fn::GetAtt']?.[0];
}

/** Every IAM statement attached to the role of the given function. */
export function statementsOfFunction(template: CfnTemplate, functionId: string): Json[] {
  return statementsOfRole(template, roleIdOf(template.Resources[functionId]!.Properties!.Role));
}

/** Logical id of the role a `RoleArn` / `Role` value (`Fn::GetAtt: [role, 'Arn']`) names. */
export function roleIdOf(roleArn: unknown): string {
  const role = (roleArn as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt']?.[0];
  if (role === undefined) throw new Error(`Not a role reference: ${JSON.stringify(roleArn)}`);
  return role;
}

/** Every IAM statement of the inline policies attached to the role with this logical id. */
export function statementsOfRole(template: CfnTemplate, roleId: string): Json[] {
  return resourcesOfType(template, 'AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties!.Roles).includes(`"Ref":"${roleId}"`))
    .flatMap(([, p]) => (p.Properties!.PolicyDocument as { Statement: Json[] }).Statement);
}

/** The service principals that may assume a role (`lambda.amazonaws.com`, `states.amazonaws.com`…). */
export function servicesAssuming(role: CfnResource): string[] {
  const statements = (role.Properties!.AssumeRolePolicyDocument as { Statement: Json[] }).Statement;
  return statements.flatMap((s) => {
    const service = (s.Principal as { Service?: string | string[] } | undefined)?.Service;
    return service === undefined ? [] : Array.isArray(service) ? service : [service];
  });
}

/** A statement's Resource as a list. */
export function resourcesOf(statement: Json): unknown[] {
  const resource = statement.Resource;
  return Array.isArray(resource) ? resource : [resource];
}

/** `{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Arn'] }, ':*']] }`: any version or alias of one function. */
export function anyVersionOf(functionId: string): Json {
  return { 'Fn::Join': ['', [{ 'Fn::GetAtt': [functionId, 'Arn'] }, ':*']] };
}

export function actionsOf(statement: Json): string[] {
  const action = statement.Action as string | string[];
  return Array.isArray(action) ? action : [action];
}

/**
 * A readable name for an IAM resource or other intrinsic value, imports followed into the producer:
 * `<ProfilesTable3B48B4C6.Arn>/index/DormantOn`, `arn:<AWS::Partition>:ses:…:identity/<SenderIdentity>`.
 */
export function describeValue(producer: CfnTemplate, value: unknown): string {
  if (typeof value === 'string') return value;
  const intrinsic = value as {
    Ref?: string;
    'Fn::GetAtt'?: [string, string];
    'Fn::ImportValue'?: string;
    'Fn::Join'?: [string, unknown[]];
  };
  if (intrinsic.Ref !== undefined) return `<${intrinsic.Ref}>`;
  if (intrinsic['Fn::GetAtt'] !== undefined) return `<${intrinsic['Fn::GetAtt'].join('.')}>`;
  if (intrinsic['Fn::ImportValue'] !== undefined)
    return describeValue(producer, resolveImport(producer, value));
  if (intrinsic['Fn::Join'] !== undefined) {
    const [separator, parts] = intrinsic['Fn::Join'];
    return parts.map((part) => describeValue(producer, part)).join(separator);
  }
  return JSON.stringify(value);
}

/**
 * What a set of statements allows, as `{ resource: sorted actions }` with resources named by
 * {@link describeValue}; a Deny or a condition shows in the key, so nothing is silently merged away.
 */
export function grantsOf(producer: CfnTemplate, statements: readonly Json[]): Record<string, string[]> {
  const grants: Record<string, Set<string>> = {};
  for (const statement of statements) {
    const qualifier = [
      statement.Effect === 'Allow' ? '' : `${String(statement.Effect)} `,
      statement.Condition === undefined ? '' : ` if ${JSON.stringify(statement.Condition)}`,
    ];
    for (const resource of resourcesOf(statement)) {
      const key = `${qualifier[0]}${describeValue(producer, resource)}${qualifier[1]}`;
      grants[key] ??= new Set();
      for (const action of actionsOf(statement)) grants[key].add(action);
    }
  }
  return Object.fromEntries(Object.entries(grants).map(([key, actions]) => [key, [...actions].sort()]));
}
