/**
 * The dashboard's server-rendered HTML: the page frame, the journeys page (filled in by
 * `assets/dashboard.js` from `/api/rows` and `/api/metrics`) and the customer view.
 */

import { describeDecision } from '#messaging/domain/decision-record.ts';
import type { Profile } from '#profiles/domain/profile.ts';
import {
  type CustomerStory,
  describeAttribution,
  describeEngagement,
  describeEntry,
  describeExitBeforeEntry,
  describeExitReason,
  describeMail,
  type JourneyExitView,
  when,
} from './customer-story.ts';
import { html, type SafeHtml } from './html.ts';

export interface CustomerListing {
  key: string;
  name?: string;
  email?: string;
}

/** A journey drawn as a flow: Mermaid text with the counts in its boxes. */
export interface JourneyFlowView {
  id: string;
  name: string;
  mermaid: string;
}

function layout(title: string, active: 'journeys' | 'flows' | 'customers', body: SafeHtml): string {
  const link = (href: string, label: string, name: typeof active) =>
    html`<a href="${href}"${name === active ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Storefront Journeys</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/assets/dashboard.css">
</head>
<body>
<header class="top">
  <div class="brand"><span class="logo" aria-hidden="true">✉</span> Storefront Journeys <span class="env">local</span></div>
  <nav>${link('/', 'Journeys', 'journeys')}${link('/flows', 'Flows', 'flows')}${link('/customers', 'Customers', 'customers')}</nav>
</header>
<main>${body}</main>
</body>
</html>
`.value;
}

export function journeysPage(): string {
  return layout(
    'Journeys',
    'journeys',
    html`<section class="intro">
  <h1>How your journeys are doing</h1>
  <p class="clock" id="clock">Loading the latest numbers…</p>
</section>
<div id="rows" aria-live="polite"></div>
<script src="/assets/chart.umd.js"></script>
<script src="/assets/dashboard.js"></script>`,
  );
}

/** Every journey as a flow with what happened at each step over the last `days` days. */
export function flowsPage(flows: readonly JourneyFlowView[], days: number): string {
  return layout(
    'Flows',
    'flows',
    html`<section class="intro">
  <h1>Journey flows</h1>
  <p class="lead">Each journey step by step, with what happened at each step in the last ${days} days: customers who entered, mails sent or skipped and why, runs waiting there now, and each experiment variant.</p>
</section>
${flows.map(
  (flow) => html`<section class="card flow" id="${flow.id}">
  <h2>${flow.name}</h2>
  <pre class="mermaid">${flow.mermaid}</pre>
</section>`,
)}
<script src="/assets/mermaid.min.js"></script>
<script src="/assets/flows.js"></script>`,
  );
}

export function customerPage(input: {
  who: string;
  story?: CustomerStory;
  customers: CustomerListing[];
  error?: string;
}): string {
  const { who, story } = input;
  const search = html`<section class="intro">
  <h1>Customers</h1>
  <p class="lead">Why did (or didn't) a customer get an email? Look them up by email address or customer id.</p>
  <form class="search" action="/customers" method="get" role="search">
    <label for="who">Email or customer id</label>
    <input id="who" name="who" type="search" value="${who}" placeholder="e.g. cleo@example.com" autocomplete="off">
    <button type="submit">Show</button>
  </form>
</section>`;
  const known =
    input.customers.length === 0
      ? html``
      : html`<section class="card"><h2>Customers in this store</h2><ul class="people">${input.customers.map(
          (customer) =>
            html`<li><a href="/customers?who=${encodeURIComponent(customer.email ?? customer.key)}">${
              customer.name ?? customer.email ?? customer.key
            }</a> <span class="muted">${customer.email ?? customer.key}</span></li>`,
        )}</ul></section>`;
  let content: SafeHtml;
  if (input.error !== undefined) content = html`<p class="notice error">${input.error}</p>`;
  else if (story === undefined) content = known;
  else content = storyHtml(story);
  return layout(
    story === undefined ? 'Customers' : displayName(story),
    'customers',
    html`${search}${content}`,
  );
}

function displayName(story: CustomerStory): string {
  const { profile } = story;
  const name = [profile?.attributes.firstName, profile?.attributes.lastName].filter(Boolean).join(' ');
  return name || profile?.email || story.who;
}

function storyHtml(story: CustomerStory): SafeHtml {
  const zone = story.timeZone;
  const nothingYet =
    story.entries.length + story.exitsBeforeEntry.length + story.decisions.length + story.mails.length === 0;
  return html`${profileHtml(story)}
${
  story.profile === undefined && nothingYet
    ? html`<p class="notice">Nothing recorded for ${story.who} in store ${story.storeId} yet. Events take a moment to arrive.</p>`
    : html``
}
<section class="card" id="journeys"><h2>Journeys entered</h2>${
    story.entries.length + story.exitsBeforeEntry.length === 0
      ? html`<p class="muted">No journey entered yet.</p>`
      : html`<table><thead><tr><th>Journey</th><th>For</th><th>Entered</th><th>Group</th><th>Ended early</th></tr></thead><tbody>${story.entries.map(
          (entry) =>
            html`<tr class="journey-run" title="${describeEntry(entry, zone)}"><td>${entry.journey}</td><td>${entry.subjectKey}</td><td>${when(entry.at, zone)}</td><td>${
              entry.heldOut
                ? html`<span class="pill heldout">Held out</span> <span class="muted">gets no marketing mail from it</span>`
                : html`<span class="pill treated">Treated</span>`
            }</td><td>${exitCell(entry.exit, zone)}</td></tr>`,
        )}${story.exitsBeforeEntry.map(
          (exit) =>
            html`<tr class="journey-run" title="${describeExitBeforeEntry(exit, zone)}"><td>${exit.journey}</td><td>${exit.subjectKey}</td><td><span class="muted">did not enter</span></td><td></td><td>${exitCell(exit, zone)}</td></tr>`,
        )}</tbody></table>`
  }</section>
<section class="card" id="decisions"><h2>Send decisions <span class="muted">why each mail did or didn't go out</span></h2>${
    story.decisions.length === 0
      ? html`<p class="muted">No send decision yet.</p>`
      : html`<ol class="decisions">${story.decisions.map(
          (decision) =>
            html`<li class="decision" data-outcome="${decision.outcome}"><span class="pill ${decision.outcome}">${outcomeWord(decision.outcome)}</span> <span>${describeDecision(decision)}</span></li>`,
        )}</ol>`
  }</section>
<section class="card" id="mails"><h2>Mails and what happened to them</h2>${
    story.mails.length === 0
      ? html`<p class="muted">No mail sent yet.</p>`
      : html`<ul class="mails">${story.mails.map(
          (mail) =>
            html`<li class="mail" data-journey="${mail.journey}" data-step="${mail.step}"><div class="mail-title">${describeMail(mail, zone)}</div>${
              mail.messageId === undefined
                ? html``
                : html`<div class="muted small">message ${mail.messageId}</div>`
            }<div class="events">${
              mail.engagement.length === 0
                ? html`<span class="muted">No delivery report yet.</span>`
                : mail.engagement.map(
                    (event) =>
                      html`<span class="event ${event.kind}">${describeEngagement(event, zone)}</span>`,
                  )
            }</div></li>`,
        )}</ul>`
  }</section>
<section class="card" id="attributions"><h2>Orders credited to mails</h2>${
    story.attributions.length === 0
      ? html`<p class="muted">No order attributed yet.</p>`
      : html`<ul class="plain">${story.attributions.map(
          (attribution) =>
            html`<li class="${attribution.unattributed ? 'muted' : ''}">${describeAttribution(attribution, zone)}</li>`,
        )}</ul>`
  }</section>`;
}

function exitCell(exit: JourneyExitView | undefined, zone: string): SafeHtml {
  if (exit === undefined) return html`<span class="muted">—</span>`;
  return html`<span class="exit" data-step="${exit.step}" data-reason="${exit.reason}">at ${exit.step}, ${when(
    exit.at,
    zone,
  )}: ${describeExitReason(exit.reason)}</span>`;
}

function outcomeWord(outcome: string): string {
  return outcome.charAt(0).toUpperCase() + outcome.slice(1);
}

function profileHtml(story: CustomerStory): SafeHtml {
  const { profile } = story;
  if (profile === undefined) {
    return html`<section class="card profile"><h2>${story.who}</h2><p class="muted">No profile for ${story.who} (${story.key}).</p></section>`;
  }
  const zone = story.timeZone;
  const consent = profile.consent.email;
  const identity = [
    profile.email,
    profile.customerId && `customer ${profile.customerId}`,
    `time zone ${zone}`,
  ]
    .filter(Boolean)
    .join(' · ');
  return html`<section class="card profile" id="profile">
  <h2>${displayName(story)}</h2>
  <p class="muted">${identity}</p>
  ${
    story.suppression === undefined
      ? html``
      : html`<p class="notice error">This address is suppressed (${story.suppression.reason}) since ${when(
          story.suppression.at,
          zone,
        )}: no marketing mail goes to it.</p>`
  }
  <dl class="facts">
    <dt>Email marketing consent</dt>
    <dd>${
      consent === undefined
        ? html`<span class="pill skipped">None recorded</span>`
        : html`<span class="pill ${consent.status === 'granted' ? 'sent' : 'skipped'}">${outcomeWord(consent.status)}</span> from <b>${consent.source}</b> at ${when(consent.recordedAt, zone)}`
    }</dd>
    <dt>Orders</dt>
    <dd>${ordersHtml(profile, zone)}</dd>
    <dt>Cart</dt>
    <dd>${cartHtml(profile, zone)}</dd>
    <dt>Seen</dt>
    <dd>${profile.firstSeenAt === undefined ? 'never' : html`first ${when(profile.firstSeenAt, zone)}`}${
      profile.lastSeenAt === undefined ? '' : html`, last ${when(profile.lastSeenAt, zone)}`
    }</dd>
  </dl>
</section>`;
}

function ordersHtml(profile: Profile, zone: string): SafeHtml {
  const orders = Object.entries(profile.orders).sort(([, a], [, b]) =>
    (a.placedAt ?? '').localeCompare(b.placedAt ?? ''),
  );
  if (orders.length === 0) return html`none yet`;
  const spent = Object.entries(profile.orderSummary.totalSpent)
    .map(([currency, amount]) => `${amount} ${currency}`)
    .join(', ');
  return html`${profile.orderSummary.count} placed${spent ? html`, ${spent} spent` : ''}<ul class="plain">${orders.map(
    ([orderId, order]) =>
      html`<li>${orderId}${order.total ? html` · ${order.total.amount} ${order.total.currency}` : ''}${
        order.placedAt ? html` · placed ${when(order.placedAt, zone)}` : ''
      }${order.fulfilledAt ? ' · fulfilled' : ''}${order.cancelledAt ? ' · cancelled' : ''}</li>`,
  )}</ul>`;
}

function cartHtml(profile: Profile, zone: string): SafeHtml {
  const { cart } = profile;
  if (cart === undefined) return html`none`;
  const lines = cart.lines.map((line) => `${line.quantity} × ${line.name ?? line.productId}`).join(', ');
  return html`<span class="pill ${cart.status === 'open' ? 'deferred' : 'sent'}">${
    cart.status === 'open' ? 'Open' : 'Ordered'
  }</span> ${lines || 'empty'}${cart.total ? html` · ${cart.total.amount} ${cart.total.currency}` : ''} · last changed ${when(
    cart.updatedAt,
    zone,
  )}`;
}
