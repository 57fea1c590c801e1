import { execFile } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The project's Node 22 (the npm `node` package), the major version Lambda runs. */
export const NODE_BINARY = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url));

const LOADED_MARKER = 'bench-load-ms=';

// Times only the import: resolution, parsing, linking and the module scope (config, clients, Powertools).
// Node's own start-up is not in it; Lambda's init duration has its runtime start-up on top as well.
const LOAD_SCRIPT = `
const started = performance.now();
const loaded = await import(process.argv[1]);
const milliseconds = performance.now() - started;
if (typeof loaded[process.argv[2]] !== 'function') throw new Error('the module exports no ' + process.argv[2] + ' function');
process.stdout.write('\\n${LOADED_MARKER}' + milliseconds + '\\n');
`;

export interface LoadOptions {
  file: string;
  /** The export that must be a function once loaded. */
  handler: string;
  /** The whole environment of the fresh process (nothing is inherited). */
  environment: Record<string, string>;
}

/** Milliseconds to import `file` in a fresh Node process: a cold module load, nothing cached. */
export async function coldLoadMilliseconds(options: LoadOptions): Promise<number> {
  const { stdout } = await run(
    NODE_BINARY,
    ['--input-type=module', '--eval', LOAD_SCRIPT, pathToFileURL(options.file).href, options.handler],
    { env: options.environment, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
  ).catch((error: Error & { stderr?: string }) => {
    throw new Error(`loading ${options.file} failed: ${error.stderr?.trim() || error.message}`, {
      cause: error,
    });
  });
  const line = stdout.split('\n').find((candidate) => candidate.startsWith(LOADED_MARKER));
  if (line === undefined) throw new Error(`loading ${options.file} printed no time`);
  return Number(line.slice(LOADED_MARKER.length));
}

export async function nodeVersion(): Promise<string> {
  const { stdout } = await run(NODE_BINARY, ['--version']);
  return stdout.trim();
}
