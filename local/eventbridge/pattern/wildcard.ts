import { invalidPattern } from './invalid-event-pattern-error.ts';

const STAR = null;
/** A wildcard after escapes are resolved: one code point per literal, `null` for a star. */
export type WildcardTokens = readonly (string | typeof STAR)[];

export interface CompiledWildcard {
  readonly source: string;
  readonly tokens: WildcardTokens;
  /** The literal runs between stars; a pattern with n stars has n + 1 of them. */
  readonly segments: readonly string[];
}

/**
 * AWS reports positions as UTF-8 byte offsets into the value *with* its opening quote (event-ruler stores
 * string values quoted), hence the starting offset of 1.
 */
export function compileWildcard(source: string): CompiledWildcard {
  const tokens: (string | typeof STAR)[] = [];
  const codePoints = Array.from(source);
  let bytePosition = 1;
  for (let index = 0; index < codePoints.length; index++) {
    const char = codePoints[index] as string;
    if (char === '*') {
      if (codePoints[index + 1] === '*') {
        invalidPattern(`Consecutive wildcard characters at pos ${bytePosition}`);
      }
      tokens.push(STAR);
    } else if (char === '\\') {
      const next = codePoints[index + 1];
      if (next !== '*' && next !== '\\') invalidPattern(`Invalid escape character at pos ${bytePosition}`);
      tokens.push(next);
      index++;
      bytePosition++;
    } else {
      tokens.push(char);
    }
    bytePosition += utf8Length(char);
  }
  const segments = [''];
  for (const token of tokens) {
    if (token === STAR) segments.push('');
    else segments[segments.length - 1] += token;
  }
  return { source, tokens, segments };
}

/**
 * Star-only globs need no backtracking: taking the leftmost occurrence of each middle run is always safe,
 * so event values cannot trigger the blow-ups an equivalent `.*` regex is prone to.
 */
export function matchesWildcard(wildcard: CompiledWildcard, value: string): boolean {
  const { segments } = wildcard;
  const first = segments[0] as string;
  if (segments.length === 1) return value === first;
  const last = segments[segments.length - 1] as string;
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  let position = first.length;
  const end = value.length - last.length;
  for (let index = 1; index < segments.length - 1; index++) {
    const segment = segments[index] as string;
    const found = value.indexOf(segment, position);
    if (found === -1 || found + segment.length > end) return false;
    position = found + segment.length;
  }
  return true;
}

/**
 * AWS refuses wildcard rules whose matching could be in too many places at once ("Rule is too complex").
 * It does not publish the threshold; the measure below is event-ruler's MachineComplexityEvaluator (how many
 * wildcard-pattern prefixes one input can match simultaneously, summed over the patterns of one field) and
 * the limit is the value that rejects AWS's recorded case (`*:*:*:*:*:event-bus/*`, 11) while every pattern
 * AWS accepted in our conformance cases stays well below it (at most 7).
 */
export const MAX_WILDCARD_COMPLEXITY = 10;
// A bound on the subset exploration itself, so a pathological pattern cannot stall rule creation.
const MAX_EXPLORED_STATE_SETS = 20_000;

interface NfaState {
  /** The token that must be consumed to advance, or undefined at the end of the pattern. */
  readonly next: string | typeof STAR | undefined;
  /** Just past a star: the state loops on every character. */
  readonly loops: boolean;
  /** The empty prefix is where every input starts; event-ruler does not count it. */
  readonly counted: boolean;
}

export function wildcardComplexity(patterns: readonly WildcardTokens[]): number {
  const states: NfaState[] = [];
  const starts: number[] = [];
  const alphabet = new Set<string>();
  for (const tokens of patterns) {
    starts.push(states.length);
    for (let position = 0; position <= tokens.length; position++) {
      const next = position < tokens.length ? tokens[position] : undefined;
      if (typeof next === 'string') alphabet.add(next);
      states.push({ next, loops: position > 0 && tokens[position - 1] === STAR, counted: position > 0 });
    }
  }
  // One stand-in for every character that appears in no pattern.
  const symbols: (string | undefined)[] = [...alphabet, undefined];

  const close = (ids: Iterable<number>): number[] => {
    const result = new Set<number>();
    for (let id of ids) {
      result.add(id);
      while (states[id]?.next === STAR) result.add(++id);
    }
    return [...result].sort((a, b) => a - b);
  };
  const weight = (ids: readonly number[]) => ids.filter((id) => states[id]?.counted).length;

  const initial = close(starts);
  const seen = new Set<string>([initial.join(',')]);
  const pending = [initial];
  let maximum = weight(initial);
  while (pending.length > 0) {
    const current = pending.pop() as number[];
    for (const symbol of symbols) {
      const advanced: number[] = [];
      for (const id of current) {
        const state = states[id] as NfaState;
        if (state.loops) advanced.push(id);
        if (typeof state.next === 'string' && state.next === symbol) advanced.push(id + 1);
      }
      if (advanced.length === 0) continue;
      const next = close(advanced);
      maximum = Math.max(maximum, weight(next));
      if (maximum > MAX_WILDCARD_COMPLEXITY) return maximum;
      const key = next.join(',');
      if (seen.has(key)) continue;
      if (seen.size >= MAX_EXPLORED_STATE_SETS) return Number.POSITIVE_INFINITY;
      seen.add(key);
      pending.push(next);
    }
  }
  return maximum;
}

function utf8Length(char: string): number {
  const codePoint = char.codePointAt(0) ?? 0;
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}
