import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DeadLetterQueue } from './dead-letter-queues.ts';
import { type LocalRuntime, PROJECT_ROOT } from './runtime.ts';

/**
 * A running `npm start` leaves its endpoints and the demo store's keys here (git-ignored, local
 * only) so other CLI commands in another terminal can reach it.
 */
export const LOCAL_DATA_DIR = join(PROJECT_ROOT, '.local-data');
const RUNTIME_FILE = join(LOCAL_DATA_DIR, 'runtime.json');

export interface RuntimeFile {
  urls: LocalRuntime['urls'];
  names: LocalRuntime['names'];
  deadLetterQueues: DeadLetterQueue[];
  demo: { storeId: string; apiKey: string; segmentWriteKey: string; shopifyWebhookSecret: string };
}

export function writeRuntimeFile(content: RuntimeFile): void {
  mkdirSync(LOCAL_DATA_DIR, { recursive: true });
  writeFileSync(RUNTIME_FILE, JSON.stringify(content, null, 2), { mode: 0o600 });
}

export function readRuntimeFile(): RuntimeFile {
  if (!existsSync(RUNTIME_FILE)) {
    throw new Error('No local runtime is running: start one with `npm start` in another terminal.');
  }
  return JSON.parse(readFileSync(RUNTIME_FILE, 'utf8')) as RuntimeFile;
}

export function removeRuntimeFile(): void {
  rmSync(RUNTIME_FILE, { force: true });
}
