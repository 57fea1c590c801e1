import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { AppError } from '#shared/errors.ts';

/** The bundled us-east-1 list prices, used when no `--prices` file is given. */
export const DEFAULT_PRICE_TABLE_PATH = fileURLToPath(new URL('./prices/us-east-1.json', import.meta.url));

/** A price table file is missing, is not JSON, or has a field of the wrong shape. */
export class PriceTableError extends AppError {}

/** `usd` per `per` units of `unit`; strict, so a misspelt key is reported rather than ignored. */
const priceSchema = z.strictObject({
  /** Singular, e.g. `request`; the report writes `1M requests` when `per` is above 1. */
  unit: z.string().min(1),
  usd: z.number().finite().nonnegative(),
  per: z.number().int().positive(),
  /** Units a month that cost nothing; only Pinpoint's targeted endpoints use it in the bundled table. */
  freePerMonth: z.number().finite().nonnegative().optional(),
  source: z.url(),
  note: z.string(),
});

const priceTableSchema = z.strictObject({
  region: z.string().min(1),
  currency: z.literal('USD'),
  /** The day the prices were checked (YYYY-MM-DD). */
  asOf: z.iso.date(),
  description: z.string(),
  aws: z.strictObject({
    httpApiRequests: priceSchema,
    eventBridgeEvents: priceSchema,
    lambdaRequests: priceSchema,
    lambdaDuration: priceSchema,
    stepFunctionsTransitions: priceSchema,
    dynamodbWriteRequestUnits: priceSchema,
    dynamodbReadRequestUnits: priceSchema,
    sqsRequests: priceSchema,
    sesMails: priceSchema,
    schedulerInvocations: priceSchema,
    cloudwatchCustomMetrics: priceSchema,
    cloudwatchLogsIngestion: priceSchema,
    cloudwatchDashboards: priceSchema,
    cloudwatchAlarms: priceSchema,
  }),
  pinpoint: z.strictObject({
    /** Shown next to the comparison: Pinpoint's engagement features reached end of support. */
    availability: z.string(),
    targetedEndpoints: priceSchema,
    events: priceSchema,
    emails: priceSchema,
  }),
});

export type Price = z.infer<typeof priceSchema>;
export type PriceTable = z.infer<typeof priceTableSchema>;
export type AwsPriceKey = keyof PriceTable['aws'];
export type PinpointPriceKey = Exclude<keyof PriceTable['pinpoint'], 'availability'>;

/**
 * Reads and validates a price table. Without a path, the bundled us-east-1 table; a relative path is
 * resolved against the working directory, as a user typing `--prices my.json` expects.
 */
export async function loadPriceTable(path: string = DEFAULT_PRICE_TABLE_PATH): Promise<PriceTable> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new PriceTableError(`Price table ${path} could not be read: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new PriceTableError(`Price table ${path} is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return parsePriceTable(json, path);
}

/** Validates already-parsed JSON; `source` names it in the error (a path, or e.g. "inline"). */
export function parsePriceTable(json: unknown, source: string): PriceTable {
  const parsed = priceTableSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const field = issue.path.map(String).join('.') || '(top level)';
    return `  ${field}: ${issue.message}`;
  });
  throw new PriceTableError(`Price table ${source} is not valid:\n${problems.join('\n')}`);
}
