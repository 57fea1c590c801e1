/**
 * Compiles the MJML templates to HTML-with-Liquid at build time and writes them, with the plain-text
 * templates and subjects, into one generated module. The Lambda then needs only liquidjs: no MJML
 * (a large dependency tree with file-system includes) and no template files beside the bundle.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLiquidEngines } from '#messaging/rendering/liquid-engines.ts';
import { type TemplateId, templateIds } from '#messaging/rendering/template-catalog.ts';
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
  subject: string;
  html: string;
  text: string;
}

/** The source text of `compiled-templates.ts` for the templates as they are now. */
export async function compileTemplates(): Promise<string> {
  const subjects = readSubjects();
  checkSourcesMatchCatalog(subjects);
  const textPartials = readTextPartials();
  const engines = createLiquidEngines(textPartials);
  // mjml has no type declarations and is CommonJS; a typed require keeps it out of the program's types.
  const mjml2html = createRequire(import.meta.url)('mjml') as Mjml2Html;

  const compiled = new Map<TemplateId, CompiledTemplate>();
  const problems: string[] = [];
  for (const templateId of templateIds) {
    const template = {
      subject: subjects[templateId] ?? '',
      html: await compileMjml(mjml2html, templateId),
      text: readFileSync(join(TEMPLATES_DIR, `${templateId}${TEXT_SUFFIX}`), 'utf8'),
    };
    // Parsing now turns a Liquid typo or an unknown filter into a build failure, not a failed send.
    for (const [part, source] of Object.entries(template)) {
      try {
        (part === 'html' ? engines.html : engines.text).parse(source);
      } catch (error) {
        problems.push(`${templateId} (${part}): ${(error as Error).message}`);
      }
    }
    compiled.set(templateId, template);
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

async function compileMjml(mjml2html: Mjml2Html, templateId: TemplateId): Promise<string> {
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

function readSubjects(): Record<string, string> {
  const subjects: unknown = JSON.parse(readFileSync(join(TEMPLATES_DIR, 'subjects.json'), 'utf8'));
  if (
    typeof subjects !== 'object' ||
    subjects === null ||
    !Object.values(subjects).every((value) => typeof value === 'string' && value.trim() !== '')
  ) {
    throw new TemplateBuildError('subjects.json must map each template id to a non-empty subject');
  }
  return subjects as Record<string, string>;
}

/** Every catalog id has its three sources, and no source exists for an id the catalog lacks. */
function checkSourcesMatchCatalog(subjects: Record<string, string>): void {
  const files = readdirSync(TEMPLATES_DIR);
  const sourceIds = (suffix: string) =>
    files.filter((file) => file.endsWith(suffix)).map((file) => file.slice(0, -suffix.length));
  const sources = {
    [MJML_SUFFIX]: sourceIds(MJML_SUFFIX),
    [TEXT_SUFFIX]: sourceIds(TEXT_SUFFIX),
    'subjects.json': Object.keys(subjects),
  };
  const known = new Set<string>(templateIds);
  const problems: string[] = [];
  for (const [source, ids] of Object.entries(sources)) {
    for (const id of templateIds) if (!ids.includes(id)) problems.push(`${id}: missing in ${source}`);
    for (const id of ids) if (!known.has(id)) problems.push(`${id} (${source}): not in the template catalog`);
  }
  if (problems.length > 0)
    throw new TemplateBuildError(`Template sources and catalog differ:\n${problems.join('\n')}`);
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

function moduleSource(
  compiled: Map<TemplateId, CompiledTemplate>,
  textPartials: Record<string, string>,
): string {
  const entries = [...compiled].map(
    ([id, template]) =>
      `  ${JSON.stringify(id)}: {\n` +
      `    subject: ${JSON.stringify(template.subject)},\n` +
      `    html: ${JSON.stringify(template.html)},\n` +
      `    text: ${JSON.stringify(template.text)},\n` +
      '  },\n',
  );
  const partials = Object.entries(textPartials).map(
    ([name, source]) => `  ${JSON.stringify(name)}: ${JSON.stringify(source)},\n`,
  );
  return `// GENERATED by \`npm run templates\` (templates/build.ts) from templates/*.mjml, *.txt.liquid,
// partials/ and subjects.json. Do not edit: change the sources and regenerate. A unit test fails when
// this file is stale.
import type { TemplateId } from './template-catalog.ts';

export interface CompiledTemplate {
  readonly subject: string;
  readonly html: string;
  readonly text: string;
}

// biome-ignore format: generated
export const compiledTemplates: Readonly<Record<TemplateId, CompiledTemplate>> = {
${entries.join('')}};

// biome-ignore format: generated
export const textPartials: Readonly<Record<string, string>> = {
${partials.join('')}};
`;
}
