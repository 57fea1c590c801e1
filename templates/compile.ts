/**
 * Compiles the MJML templates to HTML-with-Liquid at build time and writes them, with the plain-text
 * templates and subjects, into one generated module. The Lambda then needs only liquidjs: no MJML
 * (a large dependency tree with file-system includes) and no template files beside the bundle.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { createLiquidEngines } from '#messaging/rendering/liquid-engines.ts';
import { AppError } from '#shared/errors.ts';

export const TEMPLATES_DIR = fileURLToPath(new URL('./', import.meta.url));
const PARTIALS_DIR = join(TEMPLATES_DIR, 'partials');
export const COMPILED_MODULE_PATH = fileURLToPath(
  new URL('../functions/messaging/rendering/compiled-templates.ts', import.meta.url),
);

const MJML_SUFFIX = '.mjml';
const TEXT_SUFFIX = '.txt.liquid';

interface MjmlResult {
  html: string;
  errors: { formattedMessage: string }[];
}
type Mjml2Html = (source: string, options: Record<string, unknown>) => Promise<MjmlResult>;

/** A template source is missing, extra, or does not compile; the message lists every problem found. */
export class TemplateBuildError extends AppError {}

interface CompiledTemplate {
  kind: MessageKind;
  subject: string;
  html: string;
  text: string;
}

/**
 * `templates.json`: each template's kind (marketing mail carries the unsubscribe footer, transactional
 * mail must not depend on one) and its subject (Liquid). A template exists by being listed here with
 * its two parts beside it; ids are stored in definitions and send records, so they are never renamed.
 */
const templateCatalogSchema = z.record(
  z
    .string()
    .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*\.[a-z0-9]+(?:-[a-z0-9]+)*$/, 'is not <journey>.<name> in kebab case'),
  z.strictObject({ kind: z.enum(['marketing', 'transactional']), subject: z.string().trim().min(1) }),
);
type MessageKind = 'marketing' | 'transactional';
type TemplateCatalog = z.infer<typeof templateCatalogSchema>;
export const CATALOG_FILE = 'templates.json';

/** The source text of `compiled-templates.ts` for the templates as they are now. */
export async function compileTemplates(): Promise<string> {
  const catalog = readCatalog();
  checkSourcesMatchCatalog(catalog);
  const textPartials = readTextPartials();
  const engines = createLiquidEngines(textPartials);
  // mjml has no type declarations and is CommonJS; a typed require keeps it out of the program's types.
  const mjml2html = createRequire(import.meta.url)('mjml') as Mjml2Html;

  const compiled = new Map<string, CompiledTemplate>();
  const problems: string[] = [];
  for (const [templateId, { kind, subject }] of Object.entries(catalog)) {
    const parts = {
      subject,
      html: await compileMjml(mjml2html, templateId),
      text: readFileSync(join(TEMPLATES_DIR, `${templateId}${TEXT_SUFFIX}`), 'utf8'),
    };
    // Parsing now turns a Liquid typo or an unknown filter into a build failure, not a failed send.
    for (const [part, source] of Object.entries(parts)) {
      try {
        (part === 'html' ? engines.html : engines.text).parse(source);
      } catch (error) {
        problems.push(`${templateId} (${part}): ${(error as Error).message}`);
      }
    }
    compiled.set(templateId, { kind, ...parts });
  }
  for (const [name, source] of Object.entries(textPartials)) {
    try {
      engines.text.parse(source);
    } catch (error) {
      problems.push(`partials/${name}${TEXT_SUFFIX}: ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new TemplateBuildError(`Templates do not compile:\n${problems.join('\n')}`);
  return moduleSource(compiled, textPartials);
}

async function compileMjml(mjml2html: Mjml2Html, templateId: string): Promise<string> {
  const source = readFileSync(join(TEMPLATES_DIR, `${templateId}${MJML_SUFFIX}`), 'utf8');
  let result: MjmlResult;
  try {
    result = await mjml2html(source, {
      validationLevel: 'strict',
      ignoreIncludes: false,
      filePath: TEMPLATES_DIR,
      minify: true,
      // cssnano is not installed, and the few head styles gain nothing from it.
      minifyOptions: { minifyCss: false },
      keepComments: false,
    });
  } catch (error) {
    throw new TemplateBuildError(`${templateId}${MJML_SUFFIX}: ${(error as Error).message}`);
  }
  if (result.errors.length > 0) {
    const messages = result.errors.map((error) => error.formattedMessage).join('\n');
    throw new TemplateBuildError(`${templateId}${MJML_SUFFIX}:\n${messages}`);
  }
  return result.html;
}

function readCatalog(): TemplateCatalog {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(join(TEMPLATES_DIR, CATALOG_FILE), 'utf8'));
  } catch (error) {
    throw new TemplateBuildError(`${CATALOG_FILE}: ${(error as Error).message}`);
  }
  const result = templateCatalogSchema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${CATALOG_FILE}: ${issue.path.join('.')}: ${issue.message}`,
    );
    throw new TemplateBuildError(problems.join('\n'));
  }
  return result.data;
}

/** Every template in the catalog has its two parts, and no part exists for an id the catalog lacks. */
function checkSourcesMatchCatalog(catalog: TemplateCatalog): void {
  const files = readdirSync(TEMPLATES_DIR);
  const sourceIds = (suffix: string) =>
    files.filter((file) => file.endsWith(suffix)).map((file) => file.slice(0, -suffix.length));
  const ids = Object.keys(catalog);
  const problems: string[] = [];
  for (const suffix of [MJML_SUFFIX, TEXT_SUFFIX]) {
    const found = sourceIds(suffix);
    for (const id of ids) if (!found.includes(id)) problems.push(`${id}: missing ${id}${suffix}`);
    for (const id of found) if (!ids.includes(id)) problems.push(`${id}${suffix}: not in ${CATALOG_FILE}`);
  }
  if (problems.length > 0)
    throw new TemplateBuildError(`Template sources and ${CATALOG_FILE} differ:\n${problems.join('\n')}`);
}

function readTextPartials(): Record<string, string> {
  const partials: Record<string, string> = {};
  for (const file of readdirSync(PARTIALS_DIR).sort()) {
    if (file.endsWith(TEXT_SUFFIX)) {
      partials[file.slice(0, -TEXT_SUFFIX.length)] = readFileSync(join(PARTIALS_DIR, file), 'utf8');
    }
  }
  return partials;
}

function moduleSource(compiled: Map<string, CompiledTemplate>, textPartials: Record<string, string>): string {
  const entries = [...compiled].map(
    ([id, template]) =>
      `  ${JSON.stringify(id)}: {\n` +
      `    kind: ${JSON.stringify(template.kind)},\n` +
      `    subject: ${JSON.stringify(template.subject)},\n` +
      `    html: ${JSON.stringify(template.html)},\n` +
      `    text: ${JSON.stringify(template.text)},\n` +
      '  },\n',
  );
  const partials = Object.entries(textPartials).map(
    ([name, source]) => `  ${JSON.stringify(name)}: ${JSON.stringify(source)},\n`,
  );
  return `// GENERATED by \`npm run templates\` (templates/build.ts) from templates/*.mjml, *.txt.liquid,
// partials/ and templates.json. Do not edit: change the sources and regenerate. A unit test fails when
// this file is stale.

export interface CompiledTemplate {
  readonly kind: 'marketing' | 'transactional';
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

// biome-ignore format: generated
export const compiledTemplates = {
${entries.join('')}} as const satisfies Readonly<Record<string, CompiledTemplate>>;

// biome-ignore format: generated
export const textPartials: Readonly<Record<string, string>> = {
${partials.join('')}};
`;
}
