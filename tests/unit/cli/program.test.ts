import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { runCli } from '#local/cli/program.ts';

/** Each command module is a stand-in that records being loaded: `--help` must load none of them. */
const { loaded, run, stub } = vi.hoisted(() => {
  const loaded = new Set<string>();
  const stub = <T>(name: string, exports: T): T => {
    loaded.add(name);
    return exports;
  };
  const run = {
    start: vi.fn(),
    send: vi.fn(),
    profile: vi.fn(),
    decisions: vi.fn(),
    why: vi.fn(),
    preview: vi.fn(),
    storeCreate: vi.fn(),
    journeyValidate: vi.fn(),
    journeyGraph: vi.fn(),
    journeySchema: vi.fn(),
    catalogCheck: vi.fn(),
    segmentValidate: vi.fn(),
    segmentSchema: vi.fn(),
    segmentPreview: vi.fn(),
    experiments: vi.fn(),
    simulate: vi.fn(),
    redrive: vi.fn(),
  };
  return { loaded, run, stub };
});
vi.mock('#local/cli/commands/start.ts', () => stub('start', { runStart: run.start }));
vi.mock('#local/cli/commands/send.ts', () => stub('send', { runSend: run.send }));
vi.mock('#local/cli/commands/profile.ts', () => stub('profile', { runProfile: run.profile }));
vi.mock('#local/cli/commands/decisions.ts', () => stub('decisions', { runDecisions: run.decisions }));
vi.mock('#local/cli/commands/why.ts', () => stub('why', { runWhy: run.why }));
vi.mock('#local/cli/commands/preview.ts', () => stub('preview', { runPreview: run.preview }));
vi.mock('#local/cli/commands/store-create.ts', () =>
  stub('store-create', { runStoreCreate: run.storeCreate }),
);
vi.mock('#local/cli/commands/journey.ts', () =>
  stub('journey', {
    runJourneyValidate: run.journeyValidate,
    runJourneyGraph: run.journeyGraph,
    runJourneySchema: run.journeySchema,
  }),
);
vi.mock('#local/cli/commands/segment-preview.ts', () =>
  stub('segment-preview', { runSegmentPreview: run.segmentPreview }),
);
vi.mock('#local/cli/commands/catalog.ts', () => stub('catalog', { runCatalogCheck: run.catalogCheck }));
vi.mock('#local/cli/commands/segment.ts', () =>
  stub('segment', { runSegmentValidate: run.segmentValidate, runSegmentSchema: run.segmentSchema }),
);
vi.mock('#local/cli/commands/experiments.ts', () => stub('experiments', { runExperiments: run.experiments }));
vi.mock('#local/cli/commands/simulate.ts', () => stub('simulate', { runSimulate: run.simulate }));
vi.mock('#local/cli/commands/redrive.ts', () => stub('redrive', { runRedrive: run.redrive }));

/** The CLI in this process, its output captured. */
async function cli(...argv: string[]) {
  const output = { stdout: '', stderr: '' };
  const code = await runCli(argv, {
    writeOut: (text) => {
      output.stdout += text;
    },
    writeErr: (text) => {
      output.stderr += text;
    },
  });
  return { code, ...output, stderrLines: output.stderr.split('\n').filter((line) => line !== '') };
}

/**
 * Every command, an example its help shows, a flag it does not take (every flag was global once) and
 * what it needs besides (commander names missing required options before unknown ones).
 */
const COMMANDS: Array<{ path: string[]; example: string; foreignFlag: string; needs?: string[] }> = [
  { path: ['start'], example: 'storefront-journeys start --speed 1 --no-demo', foreignFlag: '--email' },
  {
    path: ['send'],
    example: 'storefront-journeys send signup --email sam@example.com --customer-id c-1',
    foreignFlag: '--persist',
  },
  { path: ['profile'], example: 'storefront-journeys profile sam@example.com', foreignFlag: '--out' },
  { path: ['decisions'], example: 'storefront-journeys decisions sam@example.com', foreignFlag: '--json' },
  { path: ['why'], example: 'storefront-journeys why cleo@example.com', foreignFlag: '--region' },
  {
    path: ['preview'],
    example: 'storefront-journeys preview cart-abandonment.reminder-1',
    foreignFlag: '--id',
  },
  {
    path: ['store', 'create'],
    example: 'storefront-journeys store create --id my-shop --name "My Shop" --table <StoresTableName>',
    foreignFlag: '--customers',
    needs: ['--id', 'my-shop', '--name', 'My Shop'],
  },
  { path: ['journey', 'validate'], example: 'storefront-journeys journey validate', foreignFlag: '--out' },
  {
    path: ['journey', 'graph'],
    example: 'storefront-journeys journey graph post-purchase',
    foreignFlag: '--json',
  },
  { path: ['journey', 'schema'], example: 'storefront-journeys journey schema', foreignFlag: '--out' },
  {
    path: ['catalog', 'check'],
    example: 'storefront-journeys catalog check products.tsv --currency EUR',
    foreignFlag: '--days',
    needs: ['products.xml'],
  },
  { path: ['segment', 'validate'], example: 'storefront-journeys segment validate', foreignFlag: '--out' },
  {
    path: ['segment', 'preview'],
    example: 'storefront-journeys segment preview segments/dormant.segment.yaml',
    foreignFlag: '--days',
    needs: ['segments/vip.segment.yaml'],
  },
  { path: ['segment', 'schema'], example: 'storefront-journeys segment schema', foreignFlag: '--out' },
  {
    path: ['experiments'],
    example: 'storefront-journeys experiments cart-abandonment',
    foreignFlag: '--days',
  },
  {
    path: ['simulate'],
    example: 'storefront-journeys simulate --customers 1000 --days 30 --seed 7',
    foreignFlag: '--store-id',
  },
  {
    path: ['dlq', 'redrive'],
    example: 'storefront-journeys dlq redrive --region eu-west-1 --queue-arn',
    foreignFlag: '--table',
  },
];

describe('CLI: help, version and lazy commands', () => {
  it('answers --help, --version and usage errors without loading any command, and a command loads only its module', async () => {
    // Act
    for (const { path } of COMMANDS) await cli(...path, '--help');
    await cli('--help');
    await cli('--version');
    await cli('send', 'signup', '--nope');
    await cli('nope');

    // Assess: nothing of the runtime, the AWS SDK or the renderer came with them.
    expect([...loaded]).toEqual([]);

    // Act
    await cli('journey', 'schema');

    // Assess
    expect([...loaded]).toEqual(['journey']);
    expect(run.journeySchema).toHaveBeenCalledOnce();
  });

  it.each(COMMANDS)(
    '$path.0 $path.1: --help shows its usage, options and examples',
    async ({ path, example }) => {
      // Act
      const result = await cli(...path, '--help');

      // Assess
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: storefront-journeys ${path.join(' ')}`);
      expect(result.stdout).toContain('Examples:');
      expect(result.stdout).toContain(example);
      expect(result.stderr).toBe('');
    },
  );

  it('`help <command>` shows the same help as `<command> --help`', async () => {
    // Act
    const top = await cli('help', 'send');
    const nested = await cli('journey', 'help', 'graph');

    // Assess
    expect(top).toMatchObject({ code: 0, stdout: (await cli('send', '--help')).stdout });
    expect(nested).toMatchObject({ code: 0, stdout: (await cli('journey', 'graph', '--help')).stdout });
  });

  it('lists every command with no arguments, on stdout, exit code 0 (as before)', async () => {
    // Act
    const result = await cli();

    // Assess
    expect(result.code).toBe(0);
    for (const name of ['start', 'send', 'profile', 'decisions', 'why', 'preview', 'store', 'journey']) {
      expect(result.stdout).toContain(`  ${name} `);
    }
    expect(result.stdout).toContain('npx storefront-journeys <command>');
    expect(result.stdout).toContain('npm run journeys -- <command>');
  });

  it("prints package.json's version for --version and -V", async () => {
    // Prepare
    const { version } = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));

    // Act
    const long = await cli('--version');
    const short = await cli('-V');

    // Assess
    expect(long).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(short).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('CLI: usage errors are one line on stderr and exit code 2', () => {
  it('names an unknown flag', async () => {
    // Act
    const result = await cli('send', 'signup', '--nope');

    // Assess
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderrLines).toEqual([
      "journeys: unknown option '--nope'. See 'storefront-journeys send --help'.",
    ]);
    expect(run.send).not.toHaveBeenCalled();
  });

  it('suggests the flag that was meant, on the same line', async () => {
    // Act
    const result = await cli('send', 'signup', '--emial', 'sam@example.com');

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderrLines).toEqual([
      "journeys: unknown option '--emial' (Did you mean --email?). See 'storefront-journeys send --help'.",
    ]);
  });

  it.each(COMMANDS)('$path.0 $path.1 refuses $foreignFlag, a flag of another command', async (command) => {
    // Act
    const result = await cli(...command.path, ...(command.needs ?? []), command.foreignFlag);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderrLines).toHaveLength(1);
    expect(result.stderrLines[0]).toContain(`unknown option '${command.foreignFlag}'`);
  });

  it.each([
    [['send', 'signup', '--email'], "option '--email <address>' argument missing"],
    [['simulate', '--days'], "option '--days <count>' argument missing"],
    [['start', '--port', 'abc'], "option '--port <port>' argument 'abc' is invalid. Expected a number"],
    [['send'], "missing required argument 'kind'"],
    [['send', 'refund'], "command-argument value 'refund' is invalid for argument 'kind'"],
    [['profile'], "missing required argument 'who'"],
    [['profile', 'sam@example.com', 'extra'], "too many arguments for 'profile'"],
    [['store', 'create', '--id', 'my-shop'], "required option '--name <name>' not specified"],
    [['journey', 'graph'], "missing required argument 'journey'"],
  ])('%j: %s', async (argv, message) => {
    // Act
    const result = await cli(...argv);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderrLines).toHaveLength(1);
    expect(result.stderrLines[0]).toMatch(/^journeys: /);
    expect(result.stderrLines[0]).toContain(message);
    expect(result.stderrLines[0]).toContain(`See 'storefront-journeys ${argv[0]}`);
  });

  it.each([
    [['frobnicate'], "journeys: unknown command 'frobnicate'. See 'storefront-journeys --help'."],
    [
      ['prevew'],
      "journeys: unknown command 'prevew' (Did you mean preview?). See 'storefront-journeys --help'.",
    ],
    [
      ['journey', 'draw'],
      "journeys: unknown command 'draw' (one of: validate, graph, schema). See 'storefront-journeys journey --help'.",
    ],
    [
      ['journey'],
      "journeys: missing command (one of: validate, graph, schema). See 'storefront-journeys journey --help'.",
    ],
    [['dlq'], "journeys: missing command (one of: redrive). See 'storefront-journeys dlq --help'."],
    [
      ['store', 'delete'],
      "journeys: unknown command 'delete' (one of: create). See 'storefront-journeys store --help'.",
    ],
  ])('names an unknown or missing command: %j', async (argv, line) => {
    // Act
    const result = await cli(...argv);

    // Assess
    expect(result.code).toBe(2);
    expect(result.stderrLines).toEqual([line]);
  });
});

describe('CLI: commands get their own options', () => {
  it('start: --persist, --port, --speed, --no-demo and --verbose', async () => {
    // Act
    const defaults = await cli('start');
    const all = await cli('start', '--persist', '--port', '3001', '--speed', '60', '--no-demo', '--verbose');

    // Assess
    expect([defaults.code, all.code]).toEqual([undefined, undefined]);
    expect(run.start.mock.calls).toEqual([
      [{ persist: false, demo: true, verbose: false }],
      [{ persist: true, demo: false, verbose: true, port: 3001, speed: 60 }],
    ]);
  });

  it('send: the kind, --email and --customer-id, options before or after the kind', async () => {
    // Act
    await cli('send', '--email', 'ann@example.com', 'cart', '--customer-id', 'c-9');

    // Assess
    expect(run.send).toHaveBeenCalledWith('cart', { email: 'ann@example.com', customerId: 'c-9' });
  });

  it('profile, decisions and why: the customer and --store-id (default demo)', async () => {
    // Act
    await cli('profile', 'sam@example.com');
    await cli('decisions', 'c-1', '--store-id', 'my-shop');
    await cli('why', 'cleo@example.com');

    // Assess
    expect(run.profile).toHaveBeenCalledWith('sam@example.com', 'demo');
    expect(run.decisions).toHaveBeenCalledWith('c-1', 'my-shop');
    expect(run.why).toHaveBeenCalledWith('cleo@example.com', 'demo');
  });

  it('store create: every flag reaches the command under its old name', async () => {
    // Act
    await cli(
      'store',
      'create',
      '--id',
      'my-shop',
      '--name',
      'My Shop',
      '--currency',
      'EUR',
      '--time-zone',
      'Europe/Berlin',
      '--shopify-secret-env',
      'SHOPIFY_SECRET',
      '--sender-name',
      'Maya',
      '--sender-email',
      'hello@my-shop.example',
      '--postal-address',
      '1 Market St',
      '--url',
      'https://my-shop.example',
      '--locale',
      'de-DE',
      '--accept-test-orders',
      '--segment-consent-categories',
      'Marketing,Email',
      '--table',
      'Stores',
      '--region',
      'eu-west-1',
    );

    // Assess
    expect(run.storeCreate).toHaveBeenCalledWith({
      id: 'my-shop',
      name: 'My Shop',
      currency: 'EUR',
      'time-zone': 'Europe/Berlin',
      'shopify-secret-env': 'SHOPIFY_SECRET',
      'sender-name': 'Maya',
      'sender-email': 'hello@my-shop.example',
      'postal-address': '1 Market St',
      url: 'https://my-shop.example',
      locale: 'de-DE',
      'accept-test-orders': true,
      'segment-consent-categories': 'Marketing,Email',
      table: 'Stores',
      region: 'eu-west-1',
    });
  });

  it('simulate: the defaults of before, and numbers as numbers', async () => {
    // Act
    await cli('simulate');
    await cli(
      'simulate',
      '--customers',
      '1000',
      '--days',
      '90',
      '--seed',
      '3',
      '--json',
      '--prices',
      'p.json',
    );

    // Assess
    expect(run.simulate.mock.calls).toEqual([
      [{ customers: 10_000, days: 30, seed: 7, json: false }],
      [{ customers: 1000, days: 90, seed: 3, json: true, prices: 'p.json' }],
    ]);
  });

  it('preview, journey, experiments and dlq redrive: their arguments and flags', async () => {
    // Act
    await cli('preview');
    await cli('preview', 'welcome.welcome', '--out', '/tmp/previews');
    await cli('journey', 'validate', 'a.journey.yaml', 'b.journey.yaml');
    await cli('journey', 'graph', 'welcome');
    await cli('experiments', 'cart-abandonment');
    await cli('dlq', 'redrive', '--region', 'eu-west-1', '--queue-arn', 'arn:aws:sqs:eu-west-1:1:dlq');

    // Assess
    expect(run.preview.mock.calls).toEqual([
      [undefined, {}],
      ['welcome.welcome', { out: '/tmp/previews' }],
    ]);
    expect(run.journeyValidate).toHaveBeenCalledWith(['a.journey.yaml', 'b.journey.yaml']);
    expect(run.journeyGraph).toHaveBeenCalledWith('welcome');
    expect(run.experiments).toHaveBeenCalledWith('cart-abandonment');
    expect(run.redrive).toHaveBeenCalledWith({
      region: 'eu-west-1',
      queueArn: 'arn:aws:sqs:eu-west-1:1:dlq',
    });
  });

  it('a command that fails prints "journeys: <message>" and exits 1', async () => {
    // Prepare
    run.profile.mockRejectedValueOnce(new Error('the local stack is not running (npm start)'));

    // Act
    const result = await cli('profile', 'sam@example.com');

    // Assess
    expect(result.code).toBe(1);
    expect(result.stderrLines).toEqual(['journeys: the local stack is not running (npm start)']);
  });
});
