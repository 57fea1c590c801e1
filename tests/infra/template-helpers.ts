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
  const role = (template.Resources[functionId]!.Properties!.Role as { 'Fn::GetAtt': [string, string] })[
    'Fn::GetAtt'
  ][0];
  return resourcesOfType(template, 'AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties!.Roles).includes(`"Ref":"${role}"`))
    .flatMap(([, p]) => (p.Properties!.PolicyDocument as { Statement: Json[] }).Statement);
}

export function actionsOf(statement: Json): string[] {
  const action = statement.Action as string | string[];
  return Array.isArray(action) ? action : [action];
}
