#!/usr/bin/env node
/**
 * `npx journeys <command>` / `npm run journeys -- <command>`: runs the local stack and talks to it,
 * or, with --region, to a deployed stack.
 */
import { parseArgs } from 'node:util';
import { runDecisions } from './commands/decisions.ts';
import { runExperiments } from './commands/experiments.ts';
import { runJourneyGraph, runJourneySchema, runJourneyValidate } from './commands/journey.ts';
import { runPreview } from './commands/preview.ts';
import { runProfile } from './commands/profile.ts';
import { runRedrive } from './commands/redrive.ts';
import { runSend } from './commands/send.ts';
import { runSimulate } from './commands/simulate.ts';
import { runStart } from './commands/start.ts';
import { runStoreCreate } from './commands/store-create.ts';
import { runWhy } from './commands/why.ts';

const USAGE = `Usage: journeys <command> [options]

Commands:
  start [--persist] [--port 3000] [--speed 3600] [--no-demo]
                                      Run the local stack (DynamoDB, EventBridge, SQS, Step Functions, SES,
                                      HTTP API, functions); the clock runs --speed times faster; simulated
                                      shoppers show the journeys unless --no-demo
  send <signup|view|cart|checkout|order> [--email a@b.c] [--customer-id c-1]
                                      Post a sample event to the local API as the demo store
  profile <email | customer id>       Print a customer's profile from the local DynamoDB
  decisions <email | customer id>     Every send decision for a customer: sent, deferred until…, skipped because…
  why <email | customer id>           A customer's whole story: consent, journeys, decisions, mails and what
                                      happened to them, orders credited to mails
  preview [template-id] [--out DIR]   Render email templates with sample data to HTML and text files
  store create --id ID --name NAME [--currency USD] [--time-zone Europe/Berlin] [--shopify-secret-env VAR]
               [--sender-name NAME --sender-email ADDRESS --postal-address TEXT --url URL --locale en-US]
               [--accept-test-orders] [--segment-consent-categories Marketing,Email]
               [--table TABLE --region REGION]
                                      Create a store and print its API key and Segment write key (once)
  journey validate [file …]           Check journey definitions (default: every file in journeys/); each
                                      problem as file:line: path: what is wrong, exit code 1 if any
  journey graph <id | file>           Print a journey as a Mermaid flowchart
  journey schema                      Write journeys/journey.schema.json (the JSON Schema for editors)
  experiments [journey]               Each step's content variants: recipients, opens, clicks, conversions,
                                      revenue per recipient, probability to be best, and experiments' verdicts
  simulate [--customers 10000] [--days 30] [--seed 7] [--json] [--prices FILE] [--start ISO-DATE]
                                      Synthetic shoppers through the local stack in fast virtual time; prints
                                      per-journey results, deliverability and the estimated monthly AWS bill
  dlq redrive [--region REGION --queue-arn ARN]
                                      Move dead-lettered messages back to their source queue
`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  strict: true,
  options: {
    persist: { type: 'boolean', default: false },
    speed: { type: 'string' },
    'no-demo': { type: 'boolean', default: false },
    port: { type: 'string' },
    email: { type: 'string' },
    'customer-id': { type: 'string' },
    'store-id': { type: 'string' },
    id: { type: 'string' },
    name: { type: 'string' },
    currency: { type: 'string' },
    'time-zone': { type: 'string' },
    'shopify-secret-env': { type: 'string' },
    'sender-name': { type: 'string' },
    'sender-email': { type: 'string' },
    'postal-address': { type: 'string' },
    url: { type: 'string' },
    locale: { type: 'string' },
    'accept-test-orders': { type: 'boolean' },
    'segment-consent-categories': { type: 'string' },
    table: { type: 'string' },
    region: { type: 'string' },
    'queue-arn': { type: 'string' },
    out: { type: 'string' },
    customers: { type: 'string', default: '10000' },
    days: { type: 'string', default: '30' },
    seed: { type: 'string', default: '7' },
    json: { type: 'boolean', default: false },
    prices: { type: 'string' },
    start: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

const [command, ...rest] = positionals;
try {
  if (values.help || command === undefined) {
    process.stdout.write(USAGE);
  } else if (command === 'start') {
    await runStart({
      persist: values.persist,
      demo: !values['no-demo'],
      ...(values.port && { port: Number(values.port) }),
      ...(values.speed && { speed: Number(values.speed) }),
    });
  } else if (command === 'send') {
    await runSend(rest[0], { email: values.email, customerId: values['customer-id'] });
  } else if (command === 'profile') {
    await runProfile(rest[0], values['store-id'] ?? 'demo');
  } else if (command === 'decisions') {
    await runDecisions(rest[0], values['store-id'] ?? 'demo');
  } else if (command === 'why') {
    await runWhy(rest[0], values['store-id'] ?? 'demo');
  } else if (command === 'preview') {
    await runPreview(rest[0], { ...(values.out && { out: values.out }) });
  } else if (command === 'store' && rest[0] === 'create') {
    await runStoreCreate(values);
  } else if (command === 'journey' && rest[0] === 'validate') {
    runJourneyValidate(rest.slice(1));
  } else if (command === 'journey' && rest[0] === 'graph') {
    runJourneyGraph(rest[1]);
  } else if (command === 'journey' && rest[0] === 'schema') {
    runJourneySchema();
  } else if (command === 'experiments') {
    await runExperiments(rest[0]);
  } else if (command === 'simulate') {
    await runSimulate({
      customers: Number(values.customers),
      days: Number(values.days),
      seed: Number(values.seed),
      json: values.json,
      ...(values.prices !== undefined && { prices: values.prices }),
      ...(values.start !== undefined && { start: values.start }),
    });
  } else if (command === 'dlq' && rest[0] === 'redrive') {
    await runRedrive({ region: values.region, queueArn: values['queue-arn'] });
  } else {
    process.stderr.write(`Unknown command: ${positionals.join(' ')}\n\n${USAGE}`);
    process.exitCode = 2;
  }
} catch (error) {
  process.stderr.write(`journeys: ${(error as Error).message}\n`);
  process.exitCode = 1;
}
