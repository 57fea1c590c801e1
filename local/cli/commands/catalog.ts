import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { feedFormatOf, parseProductFeed } from '#catalog/domain/product-feed.ts';

/**
 * `catalog check <file>`: reads a product feed (Merchant Center XML, TSV or CSV) as the import will,
 * and prints what it holds and every row it cannot use with its line and reason; exits 1 when a row
 * is rejected. Nothing is sent anywhere.
 */
export function runCatalogCheck(file: string, options: { currency?: string | undefined }): void {
  if (!existsSync(file)) throw new Error(`no such file: ${file}`);
  const text = readFileSync(file, 'utf8');
  const format = feedFormatOf(basename(file), text);
  const feed = parseProductFeed(text, {
    format,
    now: new Date(),
    ...(options.currency !== undefined && { defaultCurrency: options.currency.toUpperCase() }),
  });
  const variants = feed.products.reduce((sum, product) => sum + product.variants.length, 0);
  const inStock = feed.products.filter((product) =>
    product.variants.some((variant) => variant.inStock),
  ).length;
  process.stdout.write(
    `${file} (${format}): ${count(feed.rows, 'row')} → ${count(feed.products.length, 'product')}, ` +
      `${count(variants, 'variant')}, ${inStock} in stock; ${count(feed.rejected.length, 'row')} rejected\n`,
  );
  for (const rejected of feed.rejected) {
    process.stderr.write(`${file}:${rejected.row}: ${rejected.id ?? '(no id)'}: ${rejected.reason}\n`);
  }
  if (feed.rejected.length > 0) process.exitCode = 1;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
