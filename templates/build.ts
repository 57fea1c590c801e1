/** `npm run templates`: regenerates functions/messaging/rendering/compiled-templates.ts from templates/. */
import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { COMPILED_MODULE_PATH, compileTemplates } from './compile.ts';

const source = await compileTemplates();
writeFileSync(COMPILED_MODULE_PATH, source);
process.stdout.write(
  `Wrote ${relative(process.cwd(), COMPILED_MODULE_PATH)} (${source.length} characters)\n`,
);
