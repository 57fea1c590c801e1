/**
 * The `storefront-journeys` command line: one commander program, a subcommand per task, each with
 * only its own options, a description and examples. Commands' modules (the local runtime, the AWS
 * SDK, the renderer…) are imported inside their actions, so `--help`, `--version` and usage errors
 * load none of them.
 *
 * Exit codes: 0 done, 1 the command failed (`journeys: <message>` on stderr), 2 the command line was
 * wrong (one line on stderr naming what, and where the usage is).
 */
import { readFileSync } from 'node:fs';
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { SAMPLE_KINDS } from './sample-events.ts';

/** What `storefront-journeys` is run as; npm's "bin" in package.json links this name. */
export const PROGRAM_NAME = 'storefront-journeys';
/** The prefix of every error line, as before commander. */
const ERROR_PREFIX = 'journeys';
const USAGE_ERROR = 2;

export interface CliOutput {
  writeOut(text: string): void;
  writeErr(text: string): void;
}

const processOutput: CliOutput = {
  writeOut: (text) => process.stdout.write(text),
  writeErr: (text) => process.stderr.write(text),
};

/**
 * Runs the CLI on `argv` (the user's arguments, without node and the script). Returns the exit code
 * for usage errors, help and thrown errors, or undefined when the command ran (it may have set
 * process.exitCode itself, e.g. `journey validate` finding problems).
 */
export async function runCli(
  argv: readonly string[],
  output: CliOutput = processOutput,
): Promise<number | undefined> {
  const program = createProgram(output);
  if (argv.length === 0) {
    program.outputHelp();
    return 0;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return undefined;
  } catch (error) {
    // Commander has printed help, the version or the one-line usage error already.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : USAGE_ERROR;
    output.writeErr(`${ERROR_PREFIX}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

export function createProgram(output: CliOutput = processOutput): Command {
  const program = new Command(PROGRAM_NAME)
    // Before any subcommand exists: subcommands copy these settings when created.
    .exitOverride()
    .configureOutput({ writeOut: output.writeOut, writeErr: output.writeErr })
    .version(packageVersion(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .helpCommand('help [command]', "show a command's help")
    .description(
      'Runs the local stack and talks to it, or, with --region (and --table), to a deployed stack.',
    )
    .addHelpText(
      'after',
      `
Run it from the repository as \`npx ${PROGRAM_NAME} <command>\` or \`npm run journeys -- <command>\`.
\`${PROGRAM_NAME} <command> --help\` shows a command's options and examples.

Examples:
  $ ${PROGRAM_NAME} start
  $ ${PROGRAM_NAME} send signup --email sam@example.com --customer-id c-1
  $ ${PROGRAM_NAME} why sam@example.com
  $ ${PROGRAM_NAME} journey validate`,
    );

  program
    .command('start')
    .description(
      'Run the local stack (DynamoDB, EventBridge, SQS, Step Functions, SES, HTTP API, functions); the clock ' +
        'runs --speed times faster; simulated shoppers show the journeys unless --no-demo',
    )
    .option('--persist', 'keep the data in .local-data/data across runs (default: in memory)')
    .option('--port <port>', 'port of the HTTP API (default: 3000)', parseNumber)
    .option(
      '--speed <factor>',
      'how many times faster than real time the clock runs (default: 3600)',
      parseNumber,
    )
    .option('--no-demo', 'no simulated shoppers')
    .option(
      '--verbose',
      "print the functions' JSON log lines as well (they always go to .local-data/logs/functions.log)",
    )
    .addHelpText(
      'after',
      examples([
        'start',
        'start --persist',
        'start --verbose                  # every function log line in the terminal',
        'start --speed 1 --no-demo        # real time, no simulated shoppers',
      ]),
    )
    .action(
      async (options: {
        persist?: boolean;
        port?: number;
        speed?: number;
        demo: boolean;
        verbose?: boolean;
      }) => {
        const { runStart } = await import('./commands/start.ts');
        await runStart({
          persist: options.persist === true,
          demo: options.demo,
          verbose: options.verbose === true,
          ...(options.port !== undefined && { port: options.port }),
          ...(options.speed !== undefined && { speed: options.speed }),
        });
      },
    );

  program
    .command('send')
    .description('Post a sample event to the local API as the demo store')
    .addArgument(new Argument('<kind>', 'the kind of event').choices(SAMPLE_KINDS))
    .option('--email <address>', "the customer's e-mail address", 'sam@example.com')
    .option('--customer-id <id>', "the store's customer id", 'c-1')
    .addHelpText(
      'after',
      examples([
        'send signup --email sam@example.com --customer-id c-1',
        'send cart --email sam@example.com --customer-id c-1',
        'send order',
      ]),
    )
    .action(async (kind: string, options: { email: string; customerId: string }) => {
      const { runSend } = await import('./commands/send.ts');
      await runSend(kind, { email: options.email, customerId: options.customerId });
    });

  program
    .command('profile')
    .description("Print a customer's profile from the local DynamoDB")
    .argument('<who>', WHO)
    .option('--store-id <id>', 'the store', 'demo')
    .addHelpText('after', examples(['profile sam@example.com', 'profile c-1 --store-id my-shop']))
    .action(async (who: string, options: { storeId: string }) => {
      const { runProfile } = await import('./commands/profile.ts');
      await runProfile(who, options.storeId);
    });

  program
    .command('decisions')
    .description('Every send decision for a customer: sent, deferred until…, skipped because…')
    .argument('<who>', WHO)
    .option('--store-id <id>', 'the store', 'demo')
    .addHelpText('after', examples(['decisions sam@example.com', 'decisions c-1 --store-id my-shop']))
    .action(async (who: string, options: { storeId: string }) => {
      const { runDecisions } = await import('./commands/decisions.ts');
      await runDecisions(who, options.storeId);
    });

  program
    .command('why')
    .description(
      "A customer's whole story: consent, journeys, decisions, mails and what happened to them, orders " +
        'credited to mails',
    )
    .argument('<who>', WHO)
    .option('--store-id <id>', 'the store', 'demo')
    .addHelpText('after', examples(['why cleo@example.com', 'why c-1 --store-id my-shop']))
    .action(async (who: string, options: { storeId: string }) => {
      const { runWhy } = await import('./commands/why.ts');
      await runWhy(who, options.storeId);
    });

  program
    .command('preview')
    .description('Render email templates with sample data to HTML and text files')
    .argument('[template-id]', 'one template (default: every template, with an index.html)')
    .option('--out <dir>', 'where to write the files (default: .local-data/previews/)')
    .addHelpText('after', examples(['preview', 'preview cart-abandonment.reminder-1 --out /tmp/previews']))
    .action(async (templateId: string | undefined, options: { out?: string }) => {
      const { runPreview } = await import('./commands/preview.ts');
      await runPreview(templateId, { ...(options.out !== undefined && { out: options.out }) });
    });

  group(program, 'store', 'store create: create or update a store and print its keys, once')
    .command('create')
    .description(
      'Create a store (or update it, with new keys) and print its API key and Segment write key, once; ' +
        'in the local stack, or with --table and --region in a deployed one',
    )
    .requiredOption('--id <id>', 'the store id')
    .requiredOption('--name <name>', "the store's name")
    .option('--currency <code>', 'default currency (default: USD)')
    .option('--time-zone <zone>', 'IANA time zone (default: UTC)')
    .option('--shopify-secret-env <var>', 'environment variable holding the Shopify webhook secret')
    .option('--sender-name <name>', 'the From name of its mails')
    .option('--sender-email <address>', 'the From address (its domain is the verified SES identity)')
    .option('--postal-address <text>', 'postal address for the mail footer')
    .option('--url <url>', "the store's website")
    .option('--locale <locale>', 'locale of its mails, such as en-US or de-DE')
    .option('--accept-test-orders', 'count Shopify test orders as orders')
    .option(
      '--segment-consent-categories <list>',
      'comma-separated Segment consent categories that mean e-mail marketing',
    )
    .option('--table <table>', 'the Stores table of a deployed stack (output StoresTableName)')
    .option('--region <region>', 'AWS region of the deployed stack (default: us-east-1)')
    .addHelpText(
      'after',
      examples([
        'store create --id my-shop --name "My Shop" --currency EUR --time-zone Europe/Berlin',
        'store create --id my-shop --name "My Shop" --table <StoresTableName> --region eu-west-1',
        'SHOPIFY_SECRET=… storefront-journeys store create --id my-shop --name "My Shop" --shopify-secret-env SHOPIFY_SECRET',
      ]),
    )
    .action(async (options: StoreCreateFlags) => {
      const { runStoreCreate } = await import('./commands/store-create.ts');
      await runStoreCreate({
        id: options.id,
        name: options.name,
        currency: options.currency,
        'time-zone': options.timeZone,
        'shopify-secret-env': options.shopifySecretEnv,
        'sender-name': options.senderName,
        'sender-email': options.senderEmail,
        'postal-address': options.postalAddress,
        url: options.url,
        locale: options.locale,
        'accept-test-orders': options.acceptTestOrders,
        'segment-consent-categories': options.segmentConsentCategories,
        table: options.table,
        region: options.region,
      });
    });

  const journey = group(
    program,
    'journey',
    'journey validate | graph | schema: check journey definitions, draw one, write their JSON Schema',
  );
  journey
    .command('validate')
    .description(
      'Check journey definitions (default: every file in journeys/); each problem as file:line: path: ' +
        'what is wrong, exit code 1 if any',
    )
    .argument('[files...]', 'journey files')
    .addHelpText('after', examples(['journey validate', 'journey validate journeys/welcome.journey.yaml']))
    .action(async (files: string[]) => {
      const { runJourneyValidate } = await import('./commands/journey.ts');
      runJourneyValidate(files);
    });
  journey
    .command('graph')
    .description('Print a journey as a Mermaid flowchart')
    .argument('<journey>', 'a journey id (a file in journeys/) or a file')
    .addHelpText(
      'after',
      examples(['journey graph post-purchase', 'journey graph ./my.journey.yaml > my-journey.mmd']),
    )
    .action(async (which: string) => {
      const { runJourneyGraph } = await import('./commands/journey.ts');
      runJourneyGraph(which);
    });
  journey
    .command('schema')
    .description('Write journeys/journey.schema.json (the JSON Schema for editors)')
    .addHelpText('after', examples(['journey schema']))
    .action(async () => {
      const { runJourneySchema } = await import('./commands/journey.ts');
      runJourneySchema();
    });

  const segment = group(
    program,
    'segment',
    'segment validate | preview | schema: check segment definitions, count their members, write their JSON Schema',
  );
  segment
    .command('validate')
    .description(
      'Check segment definitions (default: every file in segments/); each problem as file:line: path: ' +
        'what is wrong, exit code 1 if any',
    )
    .argument('[files...]', 'segment files')
    .addHelpText('after', examples(['segment validate', 'segment validate segments/vip.segment.yaml']))
    .action(async (files: string[]) => {
      const { runSegmentValidate } = await import('./commands/segment.ts');
      runSegmentValidate(files);
    });
  segment
    .command('preview')
    .description(
      "How many of a store's customers are members of a segment now, and a sample; writes nothing " +
        '(the local stack, or a deployed one with --region and --profiles-table)',
    )
    .argument('<file>', 'a segment file')
    .option('--store-id <id>', 'the store', 'demo')
    .option('--sample <count>', 'members to list', positiveNumber, 5)
    .option('--region <region>', 'AWS region of the deployed stack')
    .option('--profiles-table <name>', "a deployed stack's ProfilesTableName output (with --region)")
    .addHelpText(
      'after',
      examples([
        'segment preview segments/dormant.segment.yaml',
        'segment preview segments/vip.segment.yaml --store-id my-shop --region eu-west-1 --profiles-table <ProfilesTableName>',
      ]),
    )
    .action(
      async (
        file: string,
        options: { storeId: string; sample: number; region?: string; profilesTable?: string },
      ) => {
        const { runSegmentPreview } = await import('./commands/segment-preview.ts');
        await runSegmentPreview(file, options);
      },
    );
  segment
    .command('schema')
    .description('Write segments/segment.schema.json (the JSON Schema for editors)')
    .addHelpText('after', examples(['segment schema']))
    .action(async () => {
      const { runSegmentSchema } = await import('./commands/segment.ts');
      runSegmentSchema();
    });

  group(program, 'catalog', 'catalog check: read a product feed as the import will')
    .command('check')
    .description(
      'Read a product feed (Google Merchant Center XML, TSV or CSV) and print its products and every row ' +
        'it cannot use, with line and reason; exit code 1 if a row is rejected. Sends nothing',
    )
    .argument('<file>', 'the feed file')
    .option(
      '--currency <code>',
      'for prices written without a currency (e.g. "12"), as Merchant Center allows',
    )
    .addHelpText(
      'after',
      examples(['catalog check products.xml', 'catalog check products.tsv --currency EUR']),
    )
    .action(async (file: string, options: { currency?: string }) => {
      const { runCatalogCheck } = await import('./commands/catalog.ts');
      runCatalogCheck(file, options);
    });

  program
    .command('experiments')
    .description(
      "Each step's content variants: recipients, opens, clicks, conversions, revenue per recipient, " +
        "probability to be best, and experiments' verdicts",
    )
    .argument('[journey]', 'only this journey (default: every journey)')
    .addHelpText('after', examples(['experiments', 'experiments cart-abandonment']))
    .action(async (journeyId: string | undefined) => {
      const { runExperiments } = await import('./commands/experiments.ts');
      await runExperiments(journeyId);
    });

  program
    .command('simulate')
    .description(
      'Synthetic shoppers through the local stack in fast virtual time; prints per-journey results, ' +
        'deliverability and the estimated monthly AWS bill',
    )
    .option('--customers <count>', 'how many customers (1 to 999999)', parseNumber, 10_000)
    .option('--days <count>', 'how many days (1 to 366)', parseNumber, 30)
    .option('--seed <number>', 'seed of the random shoppers (same seed, same run)', parseNumber, 7)
    .option('--json', 'print the report as JSON (default: a table)')
    .option(
      '--prices <file>',
      'price table to cost the run with (default: local/simulate/prices/us-east-1.json)',
    )
    .option('--start <iso-date>', 'when the simulated time starts (default: 2026-03-02T00:00:00Z)')
    .addHelpText(
      'after',
      examples([
        'simulate --customers 1000 --days 30 --seed 7',
        'simulate --customers 10000 --days 30 --seed 7 --json > report.json',
        'simulate --days 120 --start 2026-01-01T00:00:00Z   # long enough for win-back',
      ]),
    )
    .action(
      async (options: {
        customers: number;
        days: number;
        seed: number;
        json?: boolean;
        prices?: string;
        start?: string;
      }) => {
        const { runSimulate } = await import('./commands/simulate.ts');
        await runSimulate({
          customers: options.customers,
          days: options.days,
          seed: options.seed,
          json: options.json === true,
          ...(options.prices !== undefined && { prices: options.prices }),
          ...(options.start !== undefined && { start: options.start }),
        });
      },
    );

  group(program, 'dlq', 'dlq redrive: move dead-lettered messages back to their source queue')
    .command('redrive')
    .description(
      'Move dead-lettered messages back to their source queue: every DLQ of the local stack, or with ' +
        '--region and --queue-arn one DLQ of a deployed stack',
    )
    .option('--region <region>', 'AWS region of the deployed stack')
    .option('--queue-arn <arn>', 'the DLQ to move back (with --region)')
    .addHelpText(
      'after',
      examples(['dlq redrive', 'dlq redrive --region eu-west-1 --queue-arn <ProfileEventsDlqArn>']),
    )
    .action(async (options: { region?: string; queueArn?: string }) => {
      const { runRedrive } = await import('./commands/redrive.ts');
      await runRedrive({ region: options.region, queueArn: options.queueArn });
    });

  const key = group(program, 'key', "key list | create | revoke: a store's API keys and Segment write keys");
  const keyTarget = (command: Command) =>
    command
      .option('--store-id <id>', 'the store', 'demo')
      .option('--table <name>', "a deployed stack's StoresTableName output (with --region)")
      .option('--region <region>', 'AWS region of the deployed stack (default: us-east-1)');
  keyTarget(
    key.command('list').description("List a store's keys: id, kind, created, live, revoked or expired"),
  )
    .addHelpText(
      'after',
      examples(['key list', 'key list --store-id my-shop --table <StoresTableName> --region eu-west-1']),
    )
    .action(async (options: KeyTargetFlags) => {
      const { runKeyList } = await import('./commands/key.ts');
      await runKeyList(options);
    });
  keyTarget(key.command('create').description('Issue a key and print it once (only its hash is stored)'))
    .addOption(
      new Option('--kind <kind>', 'what the key is for')
        .choices(['events-api', 'segment-write-key'])
        .makeOptionMandatory(),
    )
    .option('--expires-in-days <days>', 'the key stops working after this many days', positiveNumber)
    .addHelpText(
      'after',
      examples(['key create --kind events-api', 'key create --kind segment-write-key --expires-in-days 90']),
    )
    .action(
      async (
        options: KeyTargetFlags & { kind: 'events-api' | 'segment-write-key'; expiresInDays?: number },
      ) => {
        const { runKeyCreate } = await import('./commands/key.ts');
        await runKeyCreate(options, { kind: options.kind, expiresInDays: options.expiresInDays });
      },
    );
  keyTarget(
    key
      .command('revoke')
      .description('Revoke a key: requests with it are refused once cached copies expire (60 s)')
      .argument('<key-id>', 'the key id: the part between sj_ and the next _, or from key list'),
  )
    .addHelpText('after', examples(['key revoke 3f9a0c1d2e4b5a69']))
    .action(async (keyId: string, options: KeyTargetFlags) => {
      const { runKeyRevoke } = await import('./commands/key.ts');
      await runKeyRevoke(options, keyId);
    });

  group(program, 'customer', 'customer erase: remove a customer and everything kept about them')
    .command('erase')
    .description(
      'Erase a customer (GDPR, APPI): profile and linked identities, messages, decisions, engagement, ' +
        'journey records; stops their running journeys; keeps a keyed hash so old events cannot bring ' +
        'them back. Local stack, or a deployed one with --region and its table names',
    )
    .argument('<who>', WHO)
    .option('--store-id <id>', 'the store', 'demo')
    .option('--region <region>', 'AWS region of the deployed stack')
    .option('--profiles-table <name>', 'ProfilesTableName output (with --region)')
    .option('--messages-table <name>', 'MessagesTableName output (with --region)')
    .option('--stores-table <name>', 'StoresTableName output (with --region)')
    .addHelpText(
      'after',
      examples([
        'customer erase sam@example.com',
        'customer erase c-1 --store-id my-shop --region eu-west-1 --profiles-table <ProfilesTableName> ' +
          '--messages-table <MessagesTableName> --stores-table <StoresTableName>',
      ]),
    )
    .action(async (who: string, options: CustomerEraseFlags) => {
      const { runCustomerErase } = await import('./commands/customer-erase.ts');
      await runCustomerErase(who, options);
    });

  for (const command of allCommands(program)) {
    command.configureOutput({ outputError: (message, write) => write(usageErrorLine(command, message)) });
  }
  return program;
}

interface KeyTargetFlags {
  storeId: string;
  table?: string;
  region?: string;
}

interface CustomerEraseFlags {
  storeId: string;
  region?: string;
  profilesTable?: string;
  messagesTable?: string;
  storesTable?: string;
}

interface StoreCreateFlags {
  id: string;
  name: string;
  currency?: string;
  timeZone?: string;
  shopifySecretEnv?: string;
  senderName?: string;
  senderEmail?: string;
  postalAddress?: string;
  url?: string;
  locale?: string;
  acceptTestOrders?: boolean;
  segmentConsentCategories?: string;
  table?: string;
  region?: string;
}

const WHO = 'an e-mail address, a customer id, or a key such as anonymous:<id>';

/**
 * A command that only holds subcommands (`store`, `journey`, `dlq`): without one, or with an unknown
 * one, a usage error in one line instead of commander's help on stderr.
 */
function group(parent: Command, name: string, description: string): Command {
  const command = parent
    .command(name)
    .description(description)
    .usage('<command> [options]')
    .helpCommand(true)
    .argument('[command]')
    .action((subcommand: string | undefined, _options: unknown, self: Command) => {
      const known = self.commands.map((child) => child.name()).join(', ');
      self.error(
        subcommand === undefined
          ? `error: missing command (one of: ${known})`
          : `error: unknown command '${subcommand}' (one of: ${known})`,
        { code: subcommand === undefined ? 'commander.missingArgument' : 'commander.unknownCommand' },
      );
    });
  return command;
}

function* allCommands(command: Command): Generator<Command> {
  yield command;
  for (const child of command.commands) yield* allCommands(child);
}

/** Commander's message (`error: unknown option '--x'\n(Did you mean --y?)`) as one line. */
function usageErrorLine(command: Command, message: string): string {
  const what = message
    .replace(/^error: /, '')
    .replace(/\s*\n\s*/g, ' ')
    .trim()
    .replace(/\.$/, '');
  return `${ERROR_PREFIX}: ${what}. See '${commandPath(command)} --help'.\n`;
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at !== null; at = at.parent) names.unshift(at.name());
  return names.join(' ');
}

/** An "Examples:" block for `addHelpText('after', …)`; a line without the program's name gets it in front. */
function examples(lines: string[]): string {
  const shown = lines.map((line) => `  $ ${line.includes(PROGRAM_NAME) ? line : `${PROGRAM_NAME} ${line}`}`);
  return `\nExamples:\n${shown.join('\n')}`;
}

function parseNumber(value: string): number {
  const parsed = Number(value);
  if (value.trim() === '' || Number.isNaN(parsed)) throw new InvalidArgumentError('Expected a number.');
  return parsed;
}

function positiveNumber(value: string): number {
  const parsed = parseNumber(value);
  if (parsed <= 0) throw new InvalidArgumentError('Expected a positive number.');
  return parsed;
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}
