import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The CLI as a person runs it, through tsx in its own process, with no terminal attached. */
function journeys(...args: string[]) {
  const cli = new URL('../../../local/cli/main.ts', import.meta.url).pathname;
  return spawnSync(process.execPath, ['--import', 'tsx', cli, ...args], { encoding: 'utf8', stdio: 'pipe' });
}
const fixture = (name: string) => new URL(`../../fixtures/catalog/${name}`, import.meta.url).pathname;

describe('CLI: catalog check', () => {
  it('reads Google’s example feed and says what it holds', () => {
    const run = journeys('catalog', 'check', fixture('merchant-center-rss.xml'));

    expect(run.status).toBe(0);
    expect(run.stdout).toContain('(xml): 6 rows → 5 products, 6 variants, 5 in stock; 0 rows rejected');
  });

  it('names each rejected row with its line and reason, exits 1, and takes a default currency', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'feed-')), 'products.csv');
    writeFileSync(file, ['id,title,price', 'tea-1,Sencha,12.00', 'tea-2,Matcha,lots', ''].join('\n'));

    const withoutCurrency = journeys('catalog', 'check', file);
    const withCurrency = journeys('catalog', 'check', file, '--currency', 'eur');

    expect(withoutCurrency.status).toBe(1);
    expect(withoutCurrency.stderr).toContain(`${file}:2: tea-1: price "12.00" names no currency`);
    expect(withCurrency.status).toBe(1);
    expect(withCurrency.stdout).toContain('(csv): 2 rows → 1 product, 1 variant, 1 in stock; 1 row rejected');
    expect(withCurrency.stderr.trim()).toBe(
      `${file}:3: tea-2: price must be an amount and an ISO 4217 currency such as "15.00 USD", not "lots"`,
    );
  });

  it('answers a file that is no feed with one line', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'feed-')), 'page.xml');
    writeFileSync(file, '<html><body>hello</body></html>');

    const run = journeys('catalog', 'check', file);

    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toBe(
      'journeys: an XML feed must be RSS 2.0 (<rss><channel><item>) or Atom 1.0 (<feed><entry>)',
    );
  });
});
