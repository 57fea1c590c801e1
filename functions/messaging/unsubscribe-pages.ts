import type { UnsubscribeResult } from './domain/unsubscribe.ts';

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}
button{font-size:1rem;padding:.6rem 1.2rem;border-radius:.4rem;border:0;background:#222;color:#fff;cursor:pointer}</style>
</head><body>${body}</body></html>`;

/** The page a person sees from the footer link: one button, which POSTs like the one-click header. */
export function confirmationPage(token: string): string {
  return page(
    'Unsubscribe',
    `<h1>Unsubscribe from marketing emails?</h1>
<p>You will still get emails about your orders.</p>
<form method="post" action="?token=${encodeURIComponent(token)}">
<input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`,
  );
}

export function resultPage(result: UnsubscribeResult): string {
  if (result.ok) {
    return page(
      'Unsubscribed',
      `<h1>You are unsubscribed</h1><p>${escapeHtml(result.email)} will get no more marketing emails from ${escapeHtml(result.storeName)}.</p>`,
    );
  }
  const why = result.reason === 'expired' ? 'This link has expired.' : 'This link is not valid.';
  return page(
    'Unsubscribe',
    `<h1>We could not unsubscribe you</h1><p>${why} Use the link in a recent email, or reply to it.</p>`,
  );
}
