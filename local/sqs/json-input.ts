import { SqsError } from './errors.ts';

/** A decoded AWS JSON 1.0 request body; fields are checked as they are read. */
export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function requiredString(input: JsonObject, name: string): string {
  const value = optionalString(input, name);
  if (value === undefined) throw missing(name);
  return value;
}

export function optionalString(input: JsonObject, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(name, value);
  return value;
}

export function optionalInteger(input: JsonObject, name: string): number | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  // Query-compatible clients sometimes send numbers as strings.
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number)) throw invalid(name, value);
  return number;
}

export function optionalStringList(input: JsonObject, name: string): string[] {
  const value = input[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw invalid(name, value);
  return value;
}

export function optionalStringMap(input: JsonObject, name: string): Record<string, string> {
  const value = input[name];
  if (value === undefined || value === null) return {};
  if (!isJsonObject(value) || !Object.values(value).every((item) => typeof item === 'string')) {
    throw invalid(name, value);
  }
  return value as Record<string, string>;
}

export function optionalObject(input: JsonObject, name: string): JsonObject | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (!isJsonObject(value)) throw invalid(name, value);
  return value;
}

export function requiredObjectList(input: JsonObject, name: string): JsonObject[] {
  const value = input[name];
  if (value === undefined || value === null) throw missing(name);
  if (!Array.isArray(value) || !value.every(isJsonObject)) throw invalid(name, value);
  return value;
}

function missing(name: string): SqsError {
  return new SqsError('MissingParameter', `The request must contain the parameter ${name}.`);
}

function invalid(name: string, value: unknown): SqsError {
  return new SqsError(
    'InvalidParameterValue',
    `Value ${JSON.stringify(value)} for parameter ${name} is invalid.`,
  );
}
