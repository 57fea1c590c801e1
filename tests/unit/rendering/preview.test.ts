import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runPreview } from '#local/cli/commands/preview.ts';
import { templateIds } from '#messaging/rendering/template-catalog.ts';

describe('Command: runPreview', () => {
  let out: string;
  let printed: string;

  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'previews-'));
    printed = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed += String(chunk);
      return true;
    });
  });

  afterEach(() => {
    vi.restoreAllMocks();
    rmSync(out, { recursive: true, force: true });
  });

  it('writes the HTML and text of one template and prints its subject and paths', async () => {
    // Act
    await runPreview('welcome.first-order-incentive', { out });

    // Assess
    expect(readdirSync(out).sort()).toEqual([
      'welcome.first-order-incentive.html',
      'welcome.first-order-incentive.txt',
    ]);
    expect(readFileSync(join(out, 'welcome.first-order-incentive.html'), 'utf8')).toContain('WELCOME-K7Q2');
    expect(readFileSync(join(out, 'welcome.first-order-incentive.txt'), 'utf8')).toContain(
      'Your code: WELCOME-K7Q2',
    );
    expect(printed).toContain('Subject: A welcome gift: 10% off your first order');
    expect(printed).toContain(join(out, 'welcome.first-order-incentive.html'));
  });

  it('writes every template and an index when no template is named', async () => {
    // Act
    await runPreview(undefined, { out });

    // Assess
    const files = readdirSync(out);
    expect(files).toHaveLength(templateIds.length * 2 + 1);
    for (const id of templateIds) expect(files).toEqual(expect.arrayContaining([`${id}.html`, `${id}.txt`]));
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain('Welcome to Juniper &amp; Oak, Sam');
  });

  it('fails for an unknown template, listing the known ones', async () => {
    // Act + Assess
    await expect(runPreview('welcome.nope', { out })).rejects.toThrow(
      /Unknown template "welcome\.nope".*welcome\.welcome/,
    );
    expect(readdirSync(out)).toEqual([]);
  });
});
