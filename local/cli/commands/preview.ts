import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderMessage } from '#messaging/rendering/render.ts';
import { sampleData } from '#messaging/rendering/sample-data.ts';
import { isTemplateId, type TemplateId, templateIds } from '#messaging/rendering/template-catalog.ts';

const DEFAULT_OUT = fileURLToPath(new URL('../../../.local-data/previews/', import.meta.url));

/**
 * `journeys preview [template-id] [--out dir]`: renders one template, or all, with its sample data and
 * writes `<id>.html` and `<id>.txt` (plus an index.html when rendering all) to open in a browser.
 */
export async function runPreview(templateId: string | undefined, options: { out?: string }): Promise<void> {
  if (templateId !== undefined && !isTemplateId(templateId)) {
    throw new Error(`Unknown template "${templateId}". Templates: ${templateIds.join(', ')}`);
  }
  const ids: readonly TemplateId[] = templateId === undefined ? templateIds : [templateId];
  const out = options.out ?? DEFAULT_OUT;
  mkdirSync(out, { recursive: true });

  const rendered: { id: TemplateId; subject: string }[] = [];
  for (const id of ids) {
    const result = renderMessage(id, sampleData(id));
    if (!result.ok) throw new Error(result.error.message);
    const htmlPath = join(out, `${id}.html`);
    const textPath = join(out, `${id}.txt`);
    writeFileSync(htmlPath, result.html);
    writeFileSync(textPath, result.text);
    rendered.push({ id, subject: result.subject });
    process.stdout.write(`${id}\n  Subject: ${result.subject}\n  ${shown(htmlPath)}\n  ${shown(textPath)}\n`);
  }
  if (templateId === undefined) {
    const indexPath = join(out, 'index.html');
    writeFileSync(indexPath, indexPage(rendered));
    process.stdout.write(`Index: ${shown(indexPath)}\n`);
  }
}

function shown(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere.startsWith('..') ? path : fromHere;
}

function indexPage(rendered: { id: TemplateId; subject: string }[]): string {
  const rows = rendered
    .map(
      ({ id, subject }) =>
        `<li><a href="${escapeHtml(id)}.html">${escapeHtml(id)}</a> (<a href="${escapeHtml(id)}.txt">text</a>): ${escapeHtml(subject)}</li>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Email previews</title></head>
<body style="font-family: Helvetica, Arial, sans-serif; margin: 2rem;">
<h1>Email previews</h1>
<ul>
${rows}
</ul>
</body></html>
`;
}

function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}
