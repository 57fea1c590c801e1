import { describe, expect, it } from 'vitest';
import { addOpenAndClickTracking, trackedLinks } from '#local/ses/open-click-tracking.ts';

const target = { baseUrl: 'http://127.0.0.1:8005', messageId: 'ses-123456789' };
const click = (url: string) =>
  `http://127.0.0.1:8005/track/click?m=ses-123456789&amp;u=${encodeURIComponent(url)}`;
const PIXEL = '<img src="http://127.0.0.1:8005/track/open?m=ses-123456789" width="1" height="1" alt="">';

describe('Function: addOpenAndClickTracking', () => {
  it('sends a double-quoted link through the click endpoint', () => {
    // Prepare
    const html = '<p><a href="https://shop.example/cart" style="color:red">Back to your cart</a></p>';

    // Act
    const tracked = addOpenAndClickTracking(html, target);

    // Assess
    expect(tracked).toBe(
      `<p><a href="${click('https://shop.example/cart')}" style="color:red">Back to your cart</a></p>`,
    );
  });

  it('sends a single-quoted link through the click endpoint', () => {
    // Prepare
    const html = "<a class='button' href='http://shop.example/p/tea'>Tea</a>";

    // Act
    const tracked = addOpenAndClickTracking(html, target);

    // Assess
    expect(tracked).toBe(`<a class='button' href="${click('http://shop.example/p/tea')}">Tea</a>`);
  });

  it('tracks every link of the mail with its own original address', () => {
    // Prepare
    const html = [
      '<a href="https://shop.example/p/1">One</a>',
      '<A HREF="https://shop.example/p/2">Two</A>',
      '<a title="a > b" href="https://shop.example/p/3?x=1&amp;y=2">Three</a>',
    ].join('');

    // Act
    const tracked = addOpenAndClickTracking(html, target);

    // Assess
    expect(tracked).toBe(
      [
        `<a href="${click('https://shop.example/p/1')}">One</a>`,
        `<A href="${click('https://shop.example/p/2')}">Two</A>`,
        `<a title="a > b" href="${click('https://shop.example/p/3?x=1&y=2')}">Three</a>`,
      ].join(''),
    );
  });

  it('leaves the unsubscribe link as it is', () => {
    // Prepare
    const html = '<a href="https://api.example/unsubscribe?token=abc.def">Unsubscribe</a>';

    // Act
    const tracked = addOpenAndClickTracking(html, target);

    // Assess
    expect(tracked).toBe(html);
  });

  it('leaves links marked ses:no-track and links that are not web addresses', () => {
    // Prepare
    const html = [
      '<a ses:no-track href="https://shop.example/private">Private</a>',
      '<a href="mailto:help@shop.example">Mail us</a>',
      '<a href="#top">Top</a>',
      '<a name="anchor">No link</a>',
    ].join('');

    // Act
    const tracked = addOpenAndClickTracking(html, target);

    // Assess
    expect(tracked).toBe(html);
  });

  it('puts the open pixel just before </body>', () => {
    // Prepare
    const html = '<html><body><p>Hello</p></BODY></html>';

    // Act
    const tracked = addOpenAndClickTracking(html, target);

    // Assess
    expect(tracked).toBe(`<html><body><p>Hello</p>${PIXEL}</BODY></html>`);
  });

  it('tracks the links of HTML without </body> but adds no pixel', () => {
    // Prepare
    const html = '<p>Your <a href="https://shop.example/cart">cart</a> is waiting.</p>';

    // Act
    const tracked = addOpenAndClickTracking(html, target);

    // Assess
    expect(tracked).toBe(`<p>Your <a href="${click('https://shop.example/cart')}">cart</a> is waiting.</p>`);
    expect(tracked).not.toContain('/track/open');
  });
});

describe('Function: trackedLinks', () => {
  it('lists the tracked links with the tags of their ses:tags attribute', () => {
    // Prepare
    const html = [
      '<a href="https://shop.example/p/1" ses:tags="position:hero;product:tea;">Tea</a>',
      '<a href="https://shop.example/unsubscribe?t=1">Unsubscribe</a>',
      "<a href='https://shop.example/p/2'>Mug</a>",
    ].join('');

    // Act
    const links = trackedLinks(html);

    // Assess
    expect(links).toEqual([
      { url: 'https://shop.example/p/1', tags: { position: ['hero'], product: ['tea'] } },
      { url: 'https://shop.example/p/2', tags: {} },
    ]);
  });
});
