#!/usr/bin/env node
/**
 * The `storefront-journeys` bin (package.json "bin"): registers tsx so Node can load TypeScript, then
 * runs the CLI in local/cli/main.ts. Plain JavaScript, so it runs with nothing built first.
 */
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
