/**
 * The part of CloudWatch metric math the dashboard's expressions use: numbers, metric ids (`m0`…),
 * `+ - * /`, parentheses, `FILL(x, value)` and `SUM`/`MIN`/`MAX` over arguments or a `[…]` list.
 * As in CloudWatch, a missing datapoint makes the result missing, and so does dividing by zero.
 */
import { assertUnreachable } from '#shared/errors.ts';

export type ExpressionValue = number | undefined;

type Node =
  | { kind: 'number'; value: number }
  | { kind: 'id'; id: string }
  | { kind: 'negate'; operand: Node }
  | { kind: 'binary'; operator: '+' | '-' | '*' | '/'; left: Node; right: Node }
  | { kind: 'call'; name: string; args: Node[] };

export class MetricExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetricExpressionError';
  }
}

export interface MetricExpression {
  /** Metric ids the expression reads. */
  ids: string[];
  evaluate(values: Record<string, ExpressionValue>): ExpressionValue;
}

const FUNCTIONS = new Set(['FILL', 'SUM', 'MIN', 'MAX']);

export function compileExpression(source: string): MetricExpression {
  const tokens = source.match(/\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|[A-Za-z_]\w*|[-+*/(),[\]]|\S/g) ?? [];
  let position = 0;
  const ids = new Set<string>();
  const peek = () => tokens[position];
  const take = (expected?: string) => {
    const token = tokens[position];
    if (token === undefined || (expected !== undefined && token !== expected)) {
      throw new MetricExpressionError(
        `expected ${expected ?? 'more'} at token ${position + 1} of "${source}", found ${token ?? 'the end'}`,
      );
    }
    position += 1;
    return token;
  };
  const list = (close: string): Node[] => {
    const items: Node[] = [];
    if (peek() !== close) {
      items.push(sum());
      while (peek() === ',') {
        take(',');
        items.push(sum());
      }
    }
    take(close);
    return items;
  };
  const primary = (): Node => {
    const token = take();
    if (token === '(') {
      const inner = sum();
      take(')');
      return inner;
    }
    if (token === '-') return { kind: 'negate', operand: primary() };
    if (token === '[') return { kind: 'call', name: 'LIST', args: list(']') };
    if (/^\d/.test(token)) return { kind: 'number', value: Number(token) };
    if (/^[A-Za-z_]/.test(token)) {
      if (peek() !== '(') {
        ids.add(token);
        return { kind: 'id', id: token };
      }
      const name = token.toUpperCase();
      if (!FUNCTIONS.has(name))
        throw new MetricExpressionError(`unsupported function ${token} in "${source}"`);
      take('(');
      return { kind: 'call', name, args: list(')') };
    }
    throw new MetricExpressionError(`unexpected ${token} in "${source}"`);
  };
  const product = (): Node => {
    let node = primary();
    while (peek() === '*' || peek() === '/') {
      const operator = take() as '*' | '/';
      node = { kind: 'binary', operator, left: node, right: primary() };
    }
    return node;
  };
  function sum(): Node {
    let node = product();
    while (peek() === '+' || peek() === '-') {
      const operator = take() as '+' | '-';
      node = { kind: 'binary', operator, left: node, right: product() };
    }
    return node;
  }
  const root = sum();
  if (position !== tokens.length) throw new MetricExpressionError(`unexpected ${peek()} in "${source}"`);
  return { ids: [...ids], evaluate: (values) => evaluate(root, values) };
}

function evaluate(node: Node, values: Record<string, ExpressionValue>): ExpressionValue {
  switch (node.kind) {
    case 'number':
      return node.value;
    case 'id':
      return Object.hasOwn(values, node.id) ? values[node.id] : undefined;
    case 'negate': {
      const operand = evaluate(node.operand, values);
      return operand === undefined ? undefined : -operand;
    }
    case 'binary': {
      const left = evaluate(node.left, values);
      const right = evaluate(node.right, values);
      if (left === undefined || right === undefined) return undefined;
      if (node.operator === '+') return left + right;
      if (node.operator === '-') return left - right;
      if (node.operator === '*') return left * right;
      return right === 0 ? undefined : left / right;
    }
    case 'call':
      return call(node.name, node.args, values);
    default:
      return assertUnreachable(node);
  }
}

function call(name: string, args: Node[], values: Record<string, ExpressionValue>): ExpressionValue {
  if (name === 'FILL') {
    const [series, fill] = args;
    if (series === undefined || fill === undefined)
      throw new MetricExpressionError('FILL takes two arguments');
    return evaluate(series, values) ?? evaluate(fill, values);
  }
  const flat = args.flatMap((arg) => (arg.kind === 'call' && arg.name === 'LIST' ? arg.args : [arg]));
  const present = flat
    .map((arg) => evaluate(arg, values))
    .filter((value): value is number => value !== undefined);
  if (present.length === 0) return undefined;
  if (name === 'SUM') return present.reduce((total, value) => total + value, 0);
  if (name === 'MIN') return Math.min(...present);
  if (name === 'MAX') return Math.max(...present);
  throw new MetricExpressionError(`a list needs SUM, MIN or MAX around it`);
}
