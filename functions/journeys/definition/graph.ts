/**
 * A journey as a Mermaid flowchart (`journey graph <id>`, and the dashboard's flow view): one box per
 * step, an edge per way on, labelled with the branch that takes it. Optional counts per step are
 * written into the boxes (entered, sent, exited…), so the same text draws the flow with its numbers.
 */
import { pathsOf } from './conditions.ts';
import { type ResolvedJourney, successorsOf } from './load.ts';
import { kindOf } from './schema.ts';

export type StepCounts = Record<string, Record<string, number>>;

/** The counts of the entry decision, under the name the journey runtime gives it. */
const ENTER_COUNTS = 'enter';
/** The counts of runs a goal on an event ended between steps. */
const GOAL_COUNTS = 'goal';

export function journeyMermaid(journey: ResolvedJourney, counts: StepCounts = {}): string {
  const idOf = new Map(journey.steps.map((node, index) => [node.id, `s${index + 1}`]));
  const box = (id: string) => idOf.get(id) ?? 'finish';
  const tally = (id: string) =>
    Object.entries(counts[id] ?? {})
      .map(([name, count]) => `${counterLabel(name)}: ${count}`)
      .join(' · ');
  // Entry is decided before the first step: its counts (entered, held out, why not) go on the trigger.
  const start = [triggerLabel(journey), tally(ENTER_COUNTS)].filter((part) => part !== '').join('<br/>');
  const lines = ['flowchart TD', `  start(["${text(start)}"])`];
  journey.steps.forEach((node) => {
    const label = [node.id, describe(node), tally(node.id)].filter((part) => part !== '').join('<br/>');
    const [open, close] =
      'split' in node || 'randomSplit' in node ? ['{', '}'] : 'exit' in node ? ['([', '])'] : ['[', ']'];
    lines.push(`  ${box(node.id)}${open}"${text(label)}"${close}`);
  });
  // Runs a goal ended between steps (an order while waiting) are counted at the end.
  lines.push(
    `  finish(["${text(['end', tally(GOAL_COUNTS)].filter((part) => part !== '').join('<br/>'))}"])`,
  );
  lines.push(`  start --> ${box(journey.steps[0]?.id ?? 'end')}`);
  journey.steps.forEach((node, index) => {
    const targets = successorsOf(journey, index);
    const labels = edgeLabels(node, targets.length);
    targets.forEach((target, edge) => {
      const label = labels[edge];
      lines.push(`  ${box(node.id)} -->${label ? `|"${text(label)}"|` : ''} ${box(target)}`);
    });
  });
  return `${lines.join('\n')}\n`;
}

/** `skipped:frequency-cap@ten-off` reads "skipped frequency-cap (ten-off)". */
function counterLabel(name: string): string {
  const [counter = name, variant] = name.split('@');
  const label = counter.replace(':', ' ');
  return variant === undefined ? label : `${label} (${variant})`;
}

function triggerLabel(journey: ResolvedJourney): string {
  const { trigger } = journey;
  if ('event' in trigger) return [trigger.event].flat().join(' · ');
  if ('schedule' in trigger) return `every day: ${trigger.schedule.scan}`;
  if ('segment' in trigger) return `segment ${trigger.segment.id} ${trigger.segment.on}`;
  return `date ${trigger.profileDate.date}`;
}

function describe(node: ResolvedJourney['steps'][number]): string {
  switch (kindOf(node)) {
    case 'wait':
      if ('wait' in node) {
        const wait = node.wait;
        if ('for' in wait) return `wait ${wait.for}`;
        if ('untilLocal' in wait)
          return `wait until ${wait.untilLocal.time}${wait.untilLocal.days ? ` ${wait.untilLocal.days.join(' ')}` : ''}`;
        return `wait until ${wait.until.date}${wait.until.offset ? ` ${wait.until.offset}` : ''}`;
      }
      return '';
    case 'waitFor':
      return 'waitFor' in node ? `wait for ${node.waitFor.event} (${node.waitFor.timeout})` : '';
    case 'split':
      return 'split';
    case 'randomSplit':
      return 'random split';
    case 'experiment':
      return 'experiment' in node
        ? `experiment: ${node.experiment.variants.map((variant) => variant.id).join(' / ')}`
        : '';
    case 'send':
      return 'send' in node ? `send ${node.send.template}` : '';
    case 'exit':
      return 'exit' in node ? `exit: ${node.exit.as}` : '';
  }
}

function edgeLabels(node: ResolvedJourney['steps'][number], count: number): string[] {
  if ('split' in node) {
    return node.split
      .map((branch) => ('when' in branch ? pathsOf(branch.when).join(', ') : 'else'))
      .concat(count > node.split.length ? ['else'] : []);
  }
  if ('randomSplit' in node) return node.randomSplit.map((branch) => `${branch.weight}`);
  if ('waitFor' in node) return [node.waitFor.event, 'timeout'];
  return [];
}

/** Mermaid's quoted labels take any text but a double quote. */
function text(value: string): string {
  return value.replaceAll('"', '#quot;');
}
