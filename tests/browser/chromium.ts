import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { expect, it } from 'vitest';
import { PROJECT_ROOT } from '#local/runtime.ts';

/** Debian's Chromium (`apt-get install chromium`): no browser download, which this network would refuse. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Screenshots of what the tests saw, for a person to look at (git-ignored). */
export const ARTIFACTS_DIR = join(PROJECT_ROOT, 'tests', 'artifacts');

export const hasChromium = existsSync(CHROMIUM_PATH);

export function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Stands in for a browser suite when Chromium is missing: CI must have it (`.ci/run` installs it), so
 * there the absence fails; on a developer's machine it is reported and the suite does not run.
 */
export function reportMissingChromium(suite: string): void {
  if (process.env.CI === 'true') {
    it(`fails: ${suite} needs Chromium at ${CHROMIUM_PATH}`, () => {
      throw new Error(
        `Chromium is not installed at ${CHROMIUM_PATH}; .ci/run installs it with apt-get (apt-get install chromium).`,
      );
    });
    return;
  }
  it(`reports that ${suite} needs Chromium at ${CHROMIUM_PATH}`, () => {
    console.warn(
      `Browser tests not run: no Chromium at ${CHROMIUM_PATH}. Install it with \`apt-get install chromium\`.`,
    );
    expect(existsSync(CHROMIUM_PATH)).toBe(false);
  });
}
