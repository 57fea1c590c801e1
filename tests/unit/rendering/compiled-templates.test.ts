import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compiledTemplates } from '#messaging/rendering/compiled-templates.ts';
import { templateIds } from '#messaging/rendering/template-catalog.ts';
import { COMPILED_MODULE_PATH, compileTemplates } from '../../../templates/compile.ts';

describe('Module: compiled-templates', () => {
  it('is up to date with templates/ (run `npm run templates` after changing a template)', async () => {
    // Act
    const fresh = await compileTemplates();

    // Assess
    expect(readFileSync(COMPILED_MODULE_PATH, 'utf8') === fresh, 'compiled-templates.ts is stale').toBe(true);
  });

  it('holds MJML compiled to HTML with the Liquid intact, for every template id', () => {
    // Act
    const compiledIds = Object.keys(compiledTemplates);

    // Assess
    expect(compiledIds).toEqual([...templateIds]);
    for (const template of Object.values(compiledTemplates)) {
      expect(template.html).toMatch(/^<!doctype html>/);
      expect(template.html).not.toMatch(/<mj-/);
      expect(template.html).toContain('{{ store.senderName }}');
      expect(template.html).not.toMatch(/\|\s*raw\b/);
    }
  });
});
