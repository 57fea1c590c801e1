import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CreateAppOptions, createApp, type StorefrontJourneysApp } from '#infra/app-factory.ts';

export interface TestApp extends StorefrontJourneysApp {
  /** Removes the app's cloud assembly directory (bundled assets included). */
  readonly dispose: () => void;
}

/** The app exactly as `infra/bin/app.ts` builds it, synthesized into a temporary directory. */
export function buildTestApp(options: Omit<CreateAppOptions, 'outdir'> = {}): TestApp {
  const outdir = mkdtempSync(join(tmpdir(), 'storefront-journeys-infra-'));
  const dispose = () => rmSync(outdir, { recursive: true, force: true });
  try {
    return { ...createApp({ ...options, outdir }), dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}
