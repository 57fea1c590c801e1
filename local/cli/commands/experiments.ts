import { paginateScan } from '@aws-sdk/lib-dynamodb';
import {
  type CreditedOrder,
  type SentMailFigures,
  variantResults,
} from '#engagement/domain/variant-results.ts';
import { loadJourneys } from '#infra/journeys/definitions.ts';
import {
  decideWinner,
  type ExperimentMetric,
  probabilityToBeBest,
  summarize,
} from '#journeys/definition/experiments.ts';
import { documentClientFor } from '../../demo-store.ts';
import { readRuntimeFile } from '../../runtime-file.ts';

/**
 * `experiments`: per journey step, each content variant's recipients, opens, clicks, conversions
 * and revenue per recipient, with its probability to be best; for `experiment` nodes the winner
 * rule's verdict. Reads the local stack's Messages table.
 */
export async function runExperiments(journeyFilter: string | undefined): Promise<void> {
  const runtime = readRuntimeFile();
  const documents = documentClientFor(runtime.urls.dynamodb);
  const mails: SentMailFigures[] = [];
  const orders: CreditedOrder[] = [];
  const winners = new Map<string, Winner>();
  for await (const page of paginateScan({ client: documents }, { TableName: runtime.names.messagesTable })) {
    for (const item of page.Items ?? []) {
      if (String(item.pk).startsWith('SESMESSAGE#') && typeof item.journey === 'string') {
        mails.push(item as unknown as SentMailFigures);
      } else if (String(item.sk).startsWith('ATTRIBUTION#') && typeof item.journey === 'string') {
        orders.push(item as unknown as CreditedOrder);
      } else if (String(item.pk).startsWith('FLOW#') && String(item.sk).startsWith('WINNER#')) {
        // FLOW#<store>#<journey>, WINNER#<node>: the winner every customer now gets.
        const journey = String(item.pk).split('#').slice(2).join('#');
        winners.set(`${journey} ${String(item.sk).slice('WINNER#'.length)}`, item as unknown as Winner);
      }
    }
  }
  const experiments = new Map(
    loadJourneys().flatMap((journey) =>
      journey.steps.flatMap((node) =>
        'experiment' in node ? [[`${journey.id} ${node.id}`, node.experiment]] : [],
      ),
    ) as Array<
      [string, { metric: ExperimentMetric; autoWinner?: { minPerVariant: number; probability: number } }]
    >,
  );
  const results = [...variantResults(mails, orders)].filter(
    ([key]) => journeyFilter === undefined || key.startsWith(`${journeyFilter} `),
  );
  if (results.length === 0) {
    process.stdout.write('No mails sent yet.\n');
    return;
  }
  for (const [key, variants] of results.sort(([a], [b]) => a.localeCompare(b))) {
    const experiment = experiments.get(key);
    const metric = experiment?.metric ?? 'conversion';
    const probabilities = variants.length > 1 ? probabilityToBeBest(variants, metric) : undefined;
    process.stdout.write(`${key}${experiment ? ` (experiment on ${metric})` : ''}\n`);
    for (const row of summarize(variants)) {
      const money = Object.entries(row.revenuePerRecipient)
        .map(([currency, amount]) => `${amount} ${currency}`)
        .join(', ');
      const best = probabilities === undefined ? '' : `  P(best) ${(probabilities[row.id] ?? 0).toFixed(3)}`;
      process.stdout.write(
        `  ${row.id}: ${row.recipients} recipients, ${pct(row.openRate)} opened, ${pct(row.clickRate)} clicked, ${row.conversions} converted (${pct(row.conversionRate)}), ${money || 'no revenue'} per recipient${best}\n`,
      );
    }
    const declared = winners.get(key);
    if (declared !== undefined) {
      process.stdout.write(
        `  → winner ${declared.winner}, declared ${declared.at}: ${declared.reason}; everyone gets it now\n`,
      );
    } else if (experiment && variants.length > 1) {
      const rule = experiment.autoWinner ?? { minPerVariant: 200, probability: 0.95 };
      process.stdout.write(`  → ${decideWinner(variants, { metric, ...rule }).reason}\n`);
    }
  }
}

interface Winner {
  winner: string;
  reason: string;
  at: string;
}

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;
