#!/usr/bin/env node
/**
 * `npx storefront-journeys <command>` (the package's bin, local/cli/storefront-journeys.mjs) or
 * `npm run journeys -- <command>`: runs the local stack and talks to it, or, with --region, to a
 * deployed stack. The commands and their options are in program.ts; `--help` lists them.
 */
import { runCli } from './program.ts';

// `storefront-journeys … | head`: the reader left; stop quietly instead of with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(process.exitCode ?? 0);
});

const exitCode = await runCli(process.argv.slice(2));
if (exitCode !== undefined) process.exitCode = exitCode;
