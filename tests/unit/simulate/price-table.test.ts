import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_PRICE_TABLE_PATH,
  loadPriceTable,
  PriceTableError,
  parsePriceTable,
} from '#local/simulate/price-table.ts';

describe('Function: loadPriceTable', () => {
  let directory: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'price-table-'));
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  async function bundledJson(): Promise<Record<string, Record<string, Record<string, unknown>>>> {
    return JSON.parse(await readFile(DEFAULT_PRICE_TABLE_PATH, 'utf8'));
  }

  it('reads the bundled us-east-1 table when no path is given', async () => {
    // Prepare
    const path = undefined;

    // Act
    const table = await loadPriceTable(path);

    // Assess
    expect(table.region).toBe('us-east-1');
    expect(table.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(table.aws.httpApiRequests).toMatchObject({ usd: 1, per: 1_000_000, unit: 'request' });
    expect(table.aws.lambdaDuration.usd).toBe(0.0000133334);
    expect(table.aws.dynamodbWriteRequestUnits.usd).toBe(0.625);
    expect(table.pinpoint.targetedEndpoints).toMatchObject({ usd: 0.0012, freePerMonth: 5000 });
  });

  it('reads an edited copy the user passes with --prices', async () => {
    // Prepare
    const json = await bundledJson();
    json.aws!.sesMails!.usd = 0.16;
    const path = join(directory, 'my.json');
    await writeFile(path, JSON.stringify(json));

    // Act
    const table = await loadPriceTable(path);

    // Assess
    expect(table.aws.sesMails.usd).toBe(0.16);
  });

  it('fails naming the field when a price has the wrong type', async () => {
    // Prepare
    const json = await bundledJson();
    json.aws!.lambdaDuration!.usd = '0.0000133334';
    const path = join(directory, 'bad.json');
    await writeFile(path, JSON.stringify(json));

    // Act
    const load = loadPriceTable(path);

    // Assess
    await expect(load).rejects.toThrow(PriceTableError);
    await expect(load).rejects.toThrow(/aws\.lambdaDuration\.usd: .*number/);
  });

  it('fails naming a misspelt key instead of ignoring it', async () => {
    // Prepare
    const json = await bundledJson();
    json.aws!.sqsRequests!.usdd = 0.4;
    const path = join(directory, 'typo.json');
    await writeFile(path, JSON.stringify(json));

    // Act
    const load = loadPriceTable(path);

    // Assess
    await expect(load).rejects.toThrow(/aws\.sqsRequests: .*usdd/);
  });

  it('fails naming a price the table lacks', async () => {
    // Prepare
    const json = await bundledJson();
    delete json.pinpoint!.events;

    // Act
    const parse = (): unknown => parsePriceTable(json, 'inline');

    // Assess
    expect(parse).toThrow(/Price table inline is not valid:\n {2}pinpoint\.events: /);
  });

  it('fails when the file is not JSON', async () => {
    // Prepare
    const path = join(directory, 'broken.json');
    await writeFile(path, '{ "region": ');

    // Act
    const load = loadPriceTable(path);

    // Assess
    await expect(load).rejects.toThrow(`Price table ${path} is not valid JSON`);
  });

  it('fails when the file does not exist', async () => {
    // Prepare
    const path = join(directory, 'missing.json');

    // Act
    const load = loadPriceTable(path);

    // Assess
    await expect(load).rejects.toThrow(`Price table ${path} could not be read`);
  });
});
