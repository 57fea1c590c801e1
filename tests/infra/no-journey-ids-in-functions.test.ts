import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadJourneys } from '#infra/journeys/definitions.ts';

const ROOT = join(import.meta.dirname, '..', '..');

function typeScriptFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** A journey id written as a whole string literal: code that knows one journey by name. */
function literalOf(id: string): RegExp {
  return new RegExp(`['"\`]${id.replace(/-/g, '\\-')}['"\`]`);
}

describe('Journeys as data', () => {
  it('keeps every journey id out of the functions: the interpreter knows node kinds, never journeys', () => {
    // Prepare
    const ids = loadJourneys().map((journey) => journey.id);
    const files = typeScriptFilesUnder(join(ROOT, 'functions'));

    // Act
    const mentions = files.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return ids.filter((id) => literalOf(id).test(text)).map((id) => `${relative(ROOT, file)}: '${id}'`);
    });

    // Assess
    expect(ids).toContain('cart-abandonment');
    expect(files.length).toBeGreaterThan(50);
    expect(mentions).toEqual([]);
  });

  it('finds a journey id written as a literal (the check can fail)', () => {
    expect(literalOf('win-back').test("if (journey === 'win-back') return;")).toBe(true);
    expect(literalOf('win-back').test("template: 'win-back.incentive'")).toBe(false);
  });
});
