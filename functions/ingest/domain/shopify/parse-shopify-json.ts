/**
 * Shopify ids are 64-bit integers written as JSON numbers (7382450393366231553), and a JS number
 * keeps only 53 bits: plain `JSON.parse` silently turns that id into 7382450393366231552. This
 * parser reads every id-like number from its source text (Node 22's reviver `context.source`), so
 * an id never passes through a JS number.
 */

/** `id`, `product_id`, `variant_id`… and lists such as `variant_ids`. */
const ID_KEY = /(^|_)ids?$/;

type ReviverContext = { source?: string };

/** Throws SyntaxError, like JSON.parse, when the text is not JSON. */
export function parseShopifyJson(rawBody: string): unknown {
  return JSON.parse(
    rawBody,
    function revive(this: unknown, key: string, value: unknown, context?: ReviverContext) {
      if (typeof value === 'number') {
        const source = context?.source;
        if (source === undefined) return value;
        // An id is text that happens to be digits; any other integer too big to hold exactly stays exact as text.
        if (ID_KEY.test(key) || isUnsafeInteger(source)) return source;
        return value;
      }
      // Array items are revived before their array, with only their index as key: ids in a
      // `*_ids` list were kept exact above when unsafe, and safe ones print back exactly.
      if (Array.isArray(value) && ID_KEY.test(key)) {
        return value.map((item) => (typeof item === 'number' ? String(item) : item));
      }
      return value;
    },
  );
}

function isUnsafeInteger(source: string): boolean {
  return /^-?\d+$/.test(source) && !Number.isSafeInteger(Number(source));
}
