import type { Template } from 'liquidjs';
import { type CompiledTemplate, compiledTemplates, textPartials } from './compiled-templates.ts';
import { createLiquidEngines, type LiquidEngines } from './liquid-engines.ts';
import { isTemplateId, kindOf, type MessageKind, type TemplateId } from './template-catalog.ts';
import { type TemplateData, templateDataSchema, type ValidTemplateData } from './template-data.ts';

export interface RenderedMessage {
  subject: string;
  html: string;
  text: string;
}

export type TemplatePart = keyof RenderedMessage;

/** Why a message could not be rendered; `message` names the template and what is wrong, for logs and records. */
export type RenderError =
  | { kind: 'unknown-template'; templateId: string; message: string }
  | { kind: 'invalid-data'; templateId: TemplateId; field: string; message: string }
  | {
      kind: 'kind-mismatch';
      templateId: TemplateId;
      expected: MessageKind;
      actual: MessageKind;
      message: string;
    }
  | { kind: 'missing-unsubscribe-url'; templateId: TemplateId; message: string }
  | {
      kind: 'missing-variable';
      templateId: TemplateId;
      part: TemplatePart;
      variable: string;
      message: string;
    }
  | { kind: 'template-failed'; templateId: TemplateId; part: TemplatePart; message: string }
  | {
      kind: 'missing-footer';
      templateId: TemplateId;
      part: 'html' | 'text';
      missing: string[];
      message: string;
    };

export type RenderResult = ({ ok: true } & RenderedMessage) | { ok: false; error: RenderError };

interface ParsedTemplate {
  subject: Template[];
  html: Template[];
  text: Template[];
}

// Built on first use and kept for the container's life: parsing happens once per template, not per send.
let liquidEngines: LiquidEngines | undefined;
const parsed = new Map<TemplateId, ParsedTemplate>();

function engines(): LiquidEngines {
  liquidEngines ??= createLiquidEngines(textPartials);
  return liquidEngines;
}

/**
 * Renders one message. Pure apart from the per-container parse cache: the same data gives the same
 * message. Marketing mail always carries the sender's name, postal address and a working unsubscribe
 * link (checked on the output, so a template that drops its footer cannot be sent).
 */
export function renderMessage(templateId: TemplateId, data: TemplateData): RenderResult {
  if (!isTemplateId(templateId)) {
    return failure({ kind: 'unknown-template', templateId, message: `Unknown template "${templateId}"` });
  }
  const validated = templateDataSchema.safeParse(withoutNulls(data));
  if (!validated.success) {
    const issue = validated.error.issues[0];
    const field = issue?.path.join('.') || '(data)';
    return failure({
      kind: 'invalid-data',
      templateId,
      field,
      message: `Template ${templateId}: ${field}: ${issue?.message ?? 'is invalid'}`,
    });
  }
  const scope = validated.data;
  const expected = kindOf(templateId);
  if (scope.kind !== expected) {
    return failure({
      kind: 'kind-mismatch',
      templateId,
      expected,
      actual: scope.kind,
      message: `Template ${templateId} is ${expected} mail, but the data says ${scope.kind}`,
    });
  }
  if (expected === 'marketing' && scope.unsubscribeUrl === undefined) {
    return failure({
      kind: 'missing-unsubscribe-url',
      templateId,
      message: `Template ${templateId} is marketing mail and needs unsubscribeUrl`,
    });
  }

  const template = parsedTemplate(templateId);
  const rawSubject = renderPart(templateId, 'subject', template.subject, scope);
  if (!rawSubject.ok) return rawSubject;
  // A subject is a header: no line breaks, no runs of spaces left by Liquid tags.
  const subject = rawSubject.output.replace(/\s+/g, ' ').trim();
  const html = renderPart(templateId, 'html', template.html, { ...scope, subject });
  if (!html.ok) return html;
  const text = renderPart(templateId, 'text', template.text, scope);
  if (!text.ok) return text;

  const message = { subject, html: html.output, text: tidyText(text.output) };
  const footer = checkFooter(templateId, scope, message);
  return footer ?? { ok: true, ...message };
}

function parsedTemplate(templateId: TemplateId): ParsedTemplate {
  const cached = parsed.get(templateId);
  if (cached !== undefined) return cached;
  const source: CompiledTemplate = compiledTemplates[templateId];
  const { html, text } = engines();
  const template = {
    subject: text.parse(source.subject),
    html: html.parse(source.html),
    text: text.parse(source.text),
  };
  parsed.set(templateId, template);
  return template;
}

function renderPart(
  templateId: TemplateId,
  part: TemplatePart,
  template: Template[],
  scope: object,
): { ok: true; output: string } | { ok: false; error: RenderError } {
  const engine = part === 'html' ? engines().html : engines().text;
  try {
    return { ok: true, output: engine.renderSync(template, scope) as string };
  } catch (error) {
    return failure(describeLiquidError(templateId, part, error));
  }
}

function describeLiquidError(templateId: TemplateId, part: TemplatePart, error: unknown): RenderError {
  const detail = error instanceof Error ? error.message : String(error);
  const undefinedVariable = /^undefined variable: ([^,]+)/.exec(detail);
  if (
    error instanceof Error &&
    error.name === 'UndefinedVariableError' &&
    undefinedVariable?.[1] !== undefined
  ) {
    const variable = undefinedVariable[1];
    return {
      kind: 'missing-variable',
      templateId,
      part,
      variable,
      message: `Template ${templateId} (${part}) needs "${variable}", which the data does not have (${detail})`,
    };
  }
  return {
    kind: 'template-failed',
    templateId,
    part,
    message: `Template ${templateId} (${part}): ${detail}`,
  };
}

/** The display that CAN-SPAM and Japan's 特定電子メール法 ask of every marketing message, checked on the output. */
function checkFooter(
  templateId: TemplateId,
  scope: ValidTemplateData,
  message: RenderedMessage,
): { ok: false; error: RenderError } | undefined {
  const required: [string, string][] = [
    ['store.senderName', scope.store.senderName],
    ['store.postalAddress', scope.store.postalAddress],
  ];
  if (scope.kind === 'marketing' && scope.unsubscribeUrl !== undefined) {
    required.push(['unsubscribeUrl', scope.unsubscribeUrl]);
  }
  for (const part of ['html', 'text'] as const) {
    const missing = required
      .filter(([name, value]) =>
        part === 'html'
          ? !message.html.includes(
              name === 'unsubscribeUrl' ? `href="${escapeHtml(value)}"` : escapeHtml(value),
            )
          : !message.text.includes(value),
      )
      .map(([name]) => name);
    if (missing.length > 0) {
      return failure({
        kind: 'missing-footer',
        templateId,
        part,
        missing,
        message: `Template ${templateId} (${part}) does not show ${missing.join(', ')} in its footer`,
      });
    }
  }
  return undefined;
}

/** The same replacements as Liquid's `escape`, which `outputEscape` applies to every HTML output. */
function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&#34;')
    .replaceAll("'", '&#39;');
}

/** Liquid tags leave blank lines and trailing spaces behind; plain text should read as if typed. */
function tidyText(text: string): string {
  return `${text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

/** JSON from a state machine often carries `null` for "absent"; strict variables should see it as absent. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, entry]) => entry !== null)
      .map(([key, entry]) => [key, withoutNulls(entry)]),
  );
}

function failure(error: RenderError): { ok: false; error: RenderError } {
  return { ok: false, error };
}
