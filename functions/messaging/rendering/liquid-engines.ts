import { Liquid } from 'liquidjs';
import { DEFAULT_FORMAT, type FormatSettings, formatDate, formatMoney } from './formatting.ts';

/**
 * Two engines over the same filters: the HTML one escapes every output, the plain-text one escapes
 * nothing (a text part full of `&amp;` would be wrong). Both are strict, so a missing variable stops
 * the message instead of sending a blank; `lenientIf` lets `{% if cart %}` and `| default` test
 * optional sections without tripping that.
 */
export interface LiquidEngines {
  html: Liquid;
  text: Liquid;
}

export function createLiquidEngines(textPartials: Readonly<Record<string, string>>): LiquidEngines {
  const strict = {
    strictVariables: true,
    strictFilters: true,
    lenientIf: true,
    ownPropertyOnly: true,
    // Blank strings are "nothing to show" for our data; Liquid's own truthiness would keep them.
    jsTruthy: true,
  } as const;
  const html = new Liquid({ ...strict, outputEscape: 'escape', templates: {} });
  const text = new Liquid({ ...strict, templates: { ...textPartials } });
  for (const engine of [html, text]) {
    engine.registerFilter('money', function money(value: unknown) {
      return formatMoney(value, formatSettingsOf(this.context.environments));
    });
    engine.registerFilter('date', function date(value: unknown, style?: unknown) {
      return formatDate(value, formatSettingsOf(this.context.environments), style);
    });
  }
  // `| raw` would skip the escaping; in HTML it becomes an ordinary filter whose output is escaped too.
  html.registerFilter('raw', (value: unknown) => value);
  return { html, text };
}

/** The scope is the message's data, so the store's locale and zone are read from it. */
function formatSettingsOf(scope: unknown): FormatSettings {
  const store = (scope as { store?: { locale?: unknown; timeZone?: unknown } }).store;
  return {
    locale: typeof store?.locale === 'string' ? store.locale : DEFAULT_FORMAT.locale,
    timeZone: typeof store?.timeZone === 'string' ? store.timeZone : DEFAULT_FORMAT.timeZone,
  };
}
