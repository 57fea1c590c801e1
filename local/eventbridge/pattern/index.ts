/**
 * EventBridge event patterns for the local runtime: AWS's validation (with its error texts) and matching
 * semantics, checked against AWS-validated conformance cases in tests/fixtures/eventbridge/.
 */
export { type CompiledEventPattern, compileEventPattern } from './compile-event-pattern.ts';
export { InvalidEventPatternError } from './invalid-event-pattern-error.ts';
export { matchesEventPattern } from './match-event-pattern.ts';
