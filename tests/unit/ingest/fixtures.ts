/** Reads the Segment and Shopify fixtures (see each folder's SOURCE.md). */
import { readdirSync, readFileSync } from 'node:fs';

const FIXTURES = new URL('../../fixtures/', import.meta.url);

/** A file from tests/fixtures/segment/, parsed (Segment bodies hold no integers beyond 2^53). */
export function segmentFixture<T = { body: Record<string, unknown> }>(name: string): T {
  return JSON.parse(readFileSync(new URL(`segment/${name}`, FIXTURES), 'utf8')) as T;
}

export type EcommerceExample = {
  file: string;
  event: string;
  properties: Record<string, unknown>;
  http_api_track_body: Record<string, unknown>;
};

/** Every analytics.track example of Segment's E-commerce v2 spec. */
export function ecommerceExamples(): EcommerceExample[] {
  return readdirSync(new URL('segment/ecommerce-v2/', FIXTURES))
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ ...segmentFixture<EcommerceExample>(`ecommerce-v2/${file}`), file }));
}

export function ecommerceExample(event: string): EcommerceExample {
  const found = ecommerceExamples().find((example) => example.event === event);
  if (found === undefined) throw new Error(`no e-commerce example for ${event}`);
  return found;
}

/** The raw text of a Shopify webhook body: it must be parsed by parseShopifyJson to keep its ids exact. */
export function shopifyRawFixture(topic: string): string {
  return readFileSync(new URL(`shopify/${topic}.json`, FIXTURES), 'utf8');
}
