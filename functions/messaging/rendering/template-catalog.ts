/**
 * The templates that exist and the kind of mail each one is, as `templates/templates.json` lists them
 * (compiled into `compiled-templates.ts` by `npm run templates`): a store adds a template there, beside
 * its MJML and text parts, never here. The kind decides the footer the law asks for: marketing mail
 * must carry an unsubscribe link, transactional mail must not depend on one. Ids are stored in
 * journey definitions and send records, so they are never renamed.
 */
import { compiledTemplates } from './compiled-templates.ts';

export type MessageKind = 'marketing' | 'transactional';

export type TemplateId = keyof typeof compiledTemplates;

export const templateIds = Object.keys(compiledTemplates) as readonly TemplateId[];

export function isTemplateId(value: string): value is TemplateId {
  return Object.hasOwn(compiledTemplates, value);
}

export function kindOf(templateId: TemplateId): MessageKind {
  return compiledTemplates[templateId].kind;
}
