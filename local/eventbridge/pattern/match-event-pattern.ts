import type { CompiledEventPattern } from './compile-event-pattern.ts';
import type { FieldCondition, Leaf } from './operators.ts';

/**
 * Whether the event matches the compiled pattern. The event is the parsed JSON envelope; string fields are
 * never decoded, so a `detail` that holds JSON text does not match nested patterns (as in AWS).
 */
export function matchesEventPattern(compiled: CompiledEventPattern, event: unknown): boolean {
  // Branches of an `$or` usually repeat paths, so each path is resolved at most once per event.
  const leavesByPath = new Map<string, Leaf[]>();
  const leavesAt = (path: string): Leaf[] => {
    let leaves = leavesByPath.get(path);
    if (leaves === undefined) {
      leaves = [];
      collectLeaves(event, path, leaves);
      leavesByPath.set(path, leaves);
    }
    return leaves;
  };
  return compiled.branches.some((conditions) =>
    conditions.every((condition) => holds(condition, leavesAt(condition.path))),
  );
}

function holds(condition: FieldCondition, leaves: readonly Leaf[]): boolean {
  if (leaves.length === 0) return condition.matchesAbsent;
  return leaves.some((leaf) => condition.tests.some((test) => test(leaf)));
}

/**
 * Gathers the scalars at a dotted path. Arrays are transparent at every level, and a key may itself contain
 * dots, so `detail.state.status` reaches both `{"state": {"status": …}}` and `{"state.status": …}`. Objects
 * and empty arrays hold no leaf, which is why `exists: true` fails on them.
 */
function collectLeaves(value: unknown, path: string | undefined, out: Leaf[]): void {
  if (Array.isArray(value)) {
    for (const item of value) collectLeaves(item, path, out);
    return;
  }
  if (path === undefined) {
    if (isLeaf(value)) out.push(value);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  let dot = path.indexOf('.');
  for (;;) {
    const key = dot === -1 ? path : path.slice(0, dot);
    // Own properties only: `constructor` or `__proto__` in a pattern must not reach Object.prototype.
    if (Object.hasOwn(value, key)) {
      collectLeaves(
        (value as Record<string, unknown>)[key],
        dot === -1 ? undefined : path.slice(dot + 1),
        out,
      );
    }
    if (dot === -1) return;
    dot = path.indexOf('.', dot + 1);
  }
}

function isLeaf(value: unknown): value is Leaf {
  return (
    value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
  );
}
