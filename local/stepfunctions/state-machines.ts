import { createHash, randomUUID } from 'node:crypto';
import { StateMachine } from 'aws-local-stepfunctions';
import { parseStateMachineArn, requireAliasName, requireStateMachineArn } from './arns.ts';
import { SfnError, type SfnErrorType } from './errors.ts';
import { findTaskStates, prepareEngineDefinition, type TaskIntegration } from './task-resources.ts';

export interface LocalStateMachineDefinition {
  name: string;
  arn: string;
  /** Amazon States Language (JSONPath), with DefinitionSubstitutions already applied. */
  definition: string | Record<string, unknown>;
  roleArn?: string;
}

/** A published version, as the template's `AWS::StepFunctions::StateMachineVersion` declares it. */
export interface LocalStateMachineVersionDefinition {
  /** `…:stateMachine:<name>:<number>`; the version gets the state machine's definition at registration. */
  arn: string;
  description?: string;
}

export interface RoutingConfigurationItem {
  stateMachineVersionArn: string;
  /** Percent of the alias's executions that run this version. */
  weight: number;
}

/** An alias, as the template's `AWS::StepFunctions::StateMachineAlias` declares it. */
export interface LocalStateMachineAliasDefinition {
  /** `…:stateMachine:<name>:<alias>`. */
  arn: string;
  description?: string;
  routingConfiguration: RoutingConfigurationItem[];
}

export interface StateMachineDescription {
  name: string;
  /** Qualified with the version number when a version was described. */
  stateMachineArn: string;
  definition: string;
  roleArn: string;
  type: 'STANDARD';
  creationDate: number;
  revisionId: string;
  description?: string;
}

export interface StateMachineAliasDescription {
  stateMachineAliasArn: string;
  name: string;
  description?: string;
  routingConfiguration: RoutingConfigurationItem[];
  creationDate: number;
  updateDate: number;
}

/** What a state machine cost locally, in the units AWS bills Standard workflows by. */
export interface StateMachineStats {
  executionsStarted: number;
  /** `StateEntered` events, nested Map/Parallel states included. */
  stateTransitions: number;
  taskInvocations: number;
  running: number;
  succeeded: number;
  failed: number;
  timedOut: number;
  aborted: number;
}

/**
 * A revision: the definition and role a state machine had between two updates, with what the engine
 * runs prepared once. Versions and executions hold the revision they were made from, so an update
 * changes neither a published version nor a running execution, as in AWS.
 */
export interface Revision {
  revisionId: string;
  definitionText: string;
  roleArn: string;
  engineDefinition: unknown;
  tasks: Record<string, TaskIntegration>;
  heartbeatSeconds: Record<string, number>;
  /** Virtual epoch milliseconds. */
  creationDate: number;
}

export interface RegisteredStateMachine {
  name: string;
  arn: string;
  creationDate: number;
  /** The latest revision, which unqualified ARNs run. */
  revision: Revision;
  versions: Map<number, RegisteredVersion>;
  /** Version numbers are never reused, even after a version is deleted. */
  lastVersion: number;
  aliases: Map<string, RegisteredAlias>;
  stats: Omit<StateMachineStats, 'running'>;
}

interface RegisteredVersion {
  arn: string;
  revision: Revision;
  description: string | undefined;
  creationDate: number;
}

interface RegisteredAlias {
  name: string;
  arn: string;
  description: string | undefined;
  routingConfiguration: RoutingConfigurationItem[];
  creationDate: number;
  updateDate: number;
}

/** Which revision an execution runs, and the version and alias it is associated with. */
export interface StartTarget {
  machine: RegisteredStateMachine;
  revision: Revision;
  stateMachineVersionArn?: string;
  stateMachineAliasArn?: string;
}

/**
 * The state machines of the local Step Functions with their revisions, versions and aliases. A
 * qualified ARN (`…:stateMachine:Name:3`, `…:stateMachine:Name:live`) resolves to the revision its
 * version was published from, so executions started on an alias keep the definition they started
 * with when the alias moves on.
 */
export class StateMachineRegistry {
  private readonly machines = new Map<string, RegisteredStateMachine>();

  constructor(private readonly clock: { now(): number; readonly speed: number }) {}

  /** Registers (or replaces) a state machine; an invalid definition is refused here, not at its first execution. */
  add(definition: LocalStateMachineDefinition): void {
    requireStateMachineArn(definition.arn);
    this.machines.set(definition.arn, {
      name: definition.name,
      arn: definition.arn,
      creationDate: this.clock.now(),
      revision: this.revision(definition.definition, definition.roleArn ?? ''),
      versions: new Map(),
      lastVersion: 0,
      aliases: new Map(),
      stats: {
        executionsStarted: 0,
        stateTransitions: 0,
        taskInvocations: 0,
        succeeded: 0,
        failed: 0,
        timedOut: 0,
        aborted: 0,
      },
    });
  }

  /** A version the template declares, with the number its ARN says (the topology numbers them). */
  addVersion(definition: LocalStateMachineVersionDefinition): void {
    const reference = parseStateMachineArn(definition.arn);
    if (reference.kind !== 'version') throw new SfnError('InvalidArn', `Invalid Arn: '${definition.arn}'`);
    const machine = this.machine(reference.stateMachineArn);
    if (machine.versions.has(reference.version)) {
      throw new SfnError('ConflictException', `Version ${definition.arn} already exists.`);
    }
    machine.versions.set(reference.version, {
      arn: definition.arn,
      revision: machine.revision,
      description: definition.description,
      creationDate: this.clock.now(),
    });
    machine.lastVersion = Math.max(machine.lastVersion, reference.version);
  }

  /** An alias the template declares. */
  addAlias(definition: LocalStateMachineAliasDefinition): void {
    const reference = parseStateMachineArn(definition.arn);
    if (reference.kind !== 'alias') throw new SfnError('InvalidArn', `Invalid Arn: '${definition.arn}'`);
    this.createAlias({
      name: reference.alias,
      routingConfiguration: definition.routingConfiguration,
      ...(definition.description !== undefined && { description: definition.description }),
    });
  }

  list(): RegisteredStateMachine[] {
    return [...this.machines.values()];
  }

  /** The state machine an ARN, qualified or not, belongs to. */
  machine(arn: string): RegisteredStateMachine {
    const { stateMachineArn } = parseStateMachineArn(arn);
    const machine = this.machines.get(stateMachineArn);
    if (machine === undefined) {
      throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    }
    return machine;
  }

  /**
   * What `StartExecution` on `arn` runs. An alias with two versions picks one by its weights from a
   * hash of the execution name (AWS picks at random): the same run takes the same version on every
   * machine, which keeps a simulation repeatable.
   */
  startTarget(arn: string, executionName: string): StartTarget {
    const reference = parseStateMachineArn(arn);
    const machine = this.machine(arn);
    switch (reference.kind) {
      case 'state-machine':
        return { machine, revision: machine.revision };
      case 'version': {
        const version = this.version(machine, reference.version, arn, 'StateMachineDoesNotExist');
        return { machine, revision: version.revision, stateMachineVersionArn: version.arn };
      }
      case 'alias': {
        const alias = this.alias(machine, reference.alias, arn, 'StateMachineDoesNotExist');
        const versionArn = routeOf(alias.routingConfiguration, executionName);
        const { version } = parseStateMachineArn(versionArn) as { version: number };
        const target = this.version(machine, version, versionArn, 'StateMachineDoesNotExist');
        return {
          machine,
          revision: target.revision,
          stateMachineVersionArn: target.arn,
          stateMachineAliasArn: alias.arn,
        };
      }
    }
  }

  /** The latest revision for an unqualified ARN, the version's for a version ARN. */
  describe(arn: string): StateMachineDescription {
    const reference = parseStateMachineArn(arn);
    const machine = this.machine(arn);
    if (reference.kind === 'alias') {
      throw new SfnError('InvalidArn', `Invalid Arn: '${arn}' is an alias; use DescribeStateMachineAlias`);
    }
    if (reference.kind === 'state-machine') return describeRevision(machine, machine.arn, machine.revision);
    const version = this.version(machine, reference.version, arn, 'StateMachineDoesNotExist');
    return {
      ...describeRevision(machine, version.arn, version.revision),
      creationDate: version.creationDate,
      ...(version.description !== undefined && { description: version.description }),
    };
  }

  /**
   * UpdateStateMachine: a new definition or role makes a new revision (running executions and
   * published versions keep theirs); `publish` then publishes it as a version.
   */
  update(request: {
    stateMachineArn: string;
    definition?: string;
    roleArn?: string;
    publish?: boolean;
    versionDescription?: string;
  }): { updateDate: number; revisionId: string; stateMachineVersionArn?: string } {
    const machine = this.machine(requireStateMachineArn(request.stateMachineArn));
    const current = machine.revision;
    const definition = request.definition ?? current.definitionText;
    const roleArn = request.roleArn ?? current.roleArn;
    if (definition !== current.definitionText || roleArn !== current.roleArn) {
      machine.revision = this.revision(definition, roleArn);
    }
    const published =
      request.publish === true
        ? this.publish({
            stateMachineArn: machine.arn,
            ...(request.versionDescription !== undefined && { description: request.versionDescription }),
          })
        : undefined;
    return {
      updateDate: machine.revision.creationDate,
      revisionId: machine.revision.revisionId,
      ...(published && { stateMachineVersionArn: published.stateMachineVersionArn }),
    };
  }

  /**
   * PublishStateMachineVersion. Idempotent as in AWS: when the newest version already has the latest
   * revision, that version is returned. A `revisionId` that is not the latest is a conflict.
   */
  publish(request: { stateMachineArn: string; revisionId?: string; description?: string }): {
    stateMachineVersionArn: string;
    creationDate: number;
  } {
    const machine = this.machine(requireStateMachineArn(request.stateMachineArn));
    if (request.revisionId !== undefined && request.revisionId !== machine.revision.revisionId) {
      throw new SfnError(
        'ConflictException',
        `Revision ${request.revisionId} is not the latest revision of ${machine.arn}.`,
      );
    }
    const newest = machine.versions.get(machine.lastVersion);
    if (newest !== undefined && newest.revision === machine.revision) {
      return { stateMachineVersionArn: newest.arn, creationDate: newest.creationDate };
    }
    machine.lastVersion += 1;
    const version: RegisteredVersion = {
      arn: `${machine.arn}:${machine.lastVersion}`,
      revision: machine.revision,
      description: request.description,
      creationDate: this.clock.now(),
    };
    machine.versions.set(machine.lastVersion, version);
    return { stateMachineVersionArn: version.arn, creationDate: version.creationDate };
  }

  /** Newest first, as ListStateMachineVersions lists them. */
  listVersions(stateMachineArn: string): Array<{ stateMachineVersionArn: string; creationDate: number }> {
    const machine = this.machine(requireStateMachineArn(stateMachineArn));
    return [...machine.versions.entries()]
      .sort(([a], [b]) => b - a)
      .map(([, version]) => ({ stateMachineVersionArn: version.arn, creationDate: version.creationDate }));
  }

  /** A version an alias routes to cannot be deleted; executions running on it finish on it. */
  deleteVersion(stateMachineVersionArn: string): void {
    const reference = parseStateMachineArn(stateMachineVersionArn);
    if (reference.kind !== 'version') {
      throw new SfnError('ValidationException', `'${stateMachineVersionArn}' is not a version ARN.`);
    }
    const machine = this.machine(stateMachineVersionArn);
    const routedBy = [...machine.aliases.values()].find((alias) =>
      alias.routingConfiguration.some((route) => route.stateMachineVersionArn === stateMachineVersionArn),
    );
    if (routedBy !== undefined) {
      throw new SfnError(
        'ConflictException',
        `Version ${stateMachineVersionArn} is referenced by the alias ${routedBy.arn}.`,
      );
    }
    machine.versions.delete(reference.version);
  }

  /** CreateStateMachineAlias; idempotent for the same name, description and routing, a conflict otherwise. */
  createAlias(request: {
    name: string;
    description?: string;
    routingConfiguration: RoutingConfigurationItem[];
  }): { stateMachineAliasArn: string; creationDate: number } {
    const name = requireAliasName(request.name);
    const machine = this.routedMachine(request.routingConfiguration);
    const existing = machine.aliases.get(name);
    if (existing !== undefined) {
      const same =
        existing.description === request.description &&
        JSON.stringify(existing.routingConfiguration) === JSON.stringify(request.routingConfiguration);
      if (!same) throw new SfnError('ConflictException', `Alias ${existing.arn} already exists.`);
      return { stateMachineAliasArn: existing.arn, creationDate: existing.creationDate };
    }
    const now = this.clock.now();
    const alias: RegisteredAlias = {
      name,
      arn: `${machine.arn}:${name}`,
      description: request.description,
      routingConfiguration: request.routingConfiguration.map((route) => ({ ...route })),
      creationDate: now,
      updateDate: now,
    };
    machine.aliases.set(name, alias);
    return { stateMachineAliasArn: alias.arn, creationDate: now };
  }

  /** UpdateStateMachineAlias: executions already started keep the version they started on. */
  updateAlias(request: {
    stateMachineAliasArn: string;
    description?: string;
    routingConfiguration?: RoutingConfigurationItem[];
  }): { updateDate: number } {
    const alias = this.aliasOf(request.stateMachineAliasArn);
    if (request.routingConfiguration !== undefined) {
      const machine = this.routedMachine(request.routingConfiguration);
      if (machine.arn !== this.machine(alias.arn).arn) {
        throw new SfnError('ValidationException', `The routing of ${alias.arn} names another state machine.`);
      }
      alias.routingConfiguration = request.routingConfiguration.map((route) => ({ ...route }));
    }
    if (request.description !== undefined) alias.description = request.description;
    alias.updateDate = this.clock.now();
    return { updateDate: alias.updateDate };
  }

  describeAlias(stateMachineAliasArn: string): StateMachineAliasDescription {
    const alias = this.aliasOf(stateMachineAliasArn);
    return {
      stateMachineAliasArn: alias.arn,
      name: alias.name,
      ...(alias.description !== undefined && { description: alias.description }),
      routingConfiguration: alias.routingConfiguration.map((route) => ({ ...route })),
      creationDate: alias.creationDate,
      updateDate: alias.updateDate,
    };
  }

  listAliases(stateMachineArn: string): Array<{ stateMachineAliasArn: string; creationDate: number }> {
    const machine = this.machine(requireStateMachineArn(stateMachineArn));
    return [...machine.aliases.values()].map((alias) => ({
      stateMachineAliasArn: alias.arn,
      creationDate: alias.creationDate,
    }));
  }

  deleteAlias(stateMachineAliasArn: string): void {
    const alias = this.aliasOf(stateMachineAliasArn);
    this.machine(alias.arn).aliases.delete(alias.name);
  }

  private revision(definition: string | Record<string, unknown>, roleArn: string): Revision {
    const definitionText = typeof definition === 'string' ? definition : JSON.stringify(definition);
    let parsed: ConstructorParameters<typeof StateMachine>[0];
    let tasks: ReturnType<typeof findTaskStates>;
    try {
      parsed = JSON.parse(definitionText) as ConstructorParameters<typeof StateMachine>[0];
      // The constructor validates with asl-validator, as the engine thread would.
      new StateMachine(parsed);
      tasks = findTaskStates(parsed);
    } catch (error) {
      throw new SfnError(
        'InvalidDefinition',
        `Invalid State Machine Definition: ${(error as Error).message}`,
      );
    }
    return {
      revisionId: randomUUID(),
      definitionText,
      roleArn,
      engineDefinition: prepareEngineDefinition(parsed, this.clock.speed),
      tasks: Object.fromEntries(tasks.map((task) => [task.name, task.integration])),
      heartbeatSeconds: Object.fromEntries(
        tasks.flatMap((task) =>
          task.heartbeatSeconds === undefined ? [] : [[task.name, task.heartbeatSeconds]],
        ),
      ),
      creationDate: this.clock.now(),
    };
  }

  private version(
    machine: RegisteredStateMachine,
    number: number,
    arn: string,
    missing: SfnErrorType,
  ): RegisteredVersion {
    const version = machine.versions.get(number);
    if (version === undefined) throw new SfnError(missing, `State Machine Version Does Not Exist: '${arn}'`);
    return version;
  }

  private alias(
    machine: RegisteredStateMachine,
    name: string,
    arn: string,
    missing: SfnErrorType,
  ): RegisteredAlias {
    const alias = machine.aliases.get(name);
    if (alias === undefined) throw new SfnError(missing, `State Machine Alias Does Not Exist: '${arn}'`);
    return alias;
  }

  private aliasOf(stateMachineAliasArn: string): RegisteredAlias {
    const reference = parseStateMachineArn(stateMachineAliasArn);
    if (reference.kind !== 'alias') {
      throw new SfnError('ValidationException', `'${stateMachineAliasArn}' is not an alias ARN.`);
    }
    return this.alias(
      this.machine(stateMachineAliasArn),
      reference.alias,
      stateMachineAliasArn,
      'ResourceNotFound',
    );
  }

  /** Checks a routing configuration as AWS does and returns the one state machine its versions belong to. */
  private routedMachine(routing: RoutingConfigurationItem[]): RegisteredStateMachine {
    if (routing.length < 1 || routing.length > 2) {
      throw new SfnError('ValidationException', 'An alias routes to one or two versions.');
    }
    const weights = routing.map((route) => route.weight);
    if (weights.some((weight) => !Number.isInteger(weight) || weight < 0 || weight > 100)) {
      throw new SfnError('ValidationException', 'Each routing weight is a whole number from 0 to 100.');
    }
    if (weights.reduce((sum, weight) => sum + weight, 0) !== 100) {
      throw new SfnError('ValidationException', 'The routing weights must add up to 100.');
    }
    const references = routing.map((route) => parseStateMachineArn(route.stateMachineVersionArn));
    if (references.some((reference) => reference.kind !== 'version')) {
      throw new SfnError('ValidationException', 'An alias routes to version ARNs only.');
    }
    if (new Set(references.map((reference) => reference.stateMachineArn)).size !== 1) {
      throw new SfnError('ValidationException', 'The versions of an alias must be of one state machine.');
    }
    if (new Set(routing.map((route) => route.stateMachineVersionArn)).size !== routing.length) {
      throw new SfnError('ValidationException', 'An alias routes to two different versions.');
    }
    const machine = this.machine(routing[0]?.stateMachineVersionArn ?? '');
    for (const reference of references as Array<{ version: number }>) {
      this.version(machine, reference.version, `${machine.arn}:${reference.version}`, 'ResourceNotFound');
    }
    return machine;
  }
}

function describeRevision(
  machine: RegisteredStateMachine,
  stateMachineArn: string,
  revision: Revision,
): StateMachineDescription {
  return {
    name: machine.name,
    stateMachineArn,
    definition: revision.definitionText,
    roleArn: revision.roleArn,
    type: 'STANDARD',
    creationDate: machine.creationDate,
    revisionId: revision.revisionId,
  };
}

/** The version an alias runs an execution of this name on. */
function routeOf(routing: RoutingConfigurationItem[], executionName: string): string {
  const [first, second] = routing;
  if (first === undefined) throw new SfnError('ValidationException', 'The alias has no routing.');
  if (second === undefined) return first.stateMachineVersionArn;
  const percentile = createHash('sha256').update(executionName).digest().readUInt32BE(0) % 100;
  return percentile < first.weight ? first.stateMachineVersionArn : second.stateMachineVersionArn;
}
