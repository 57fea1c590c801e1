import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  signUnsubscribeToken,
  type UnsubscribeClaims,
  verifyUnsubscribeToken,
} from '#messaging/domain/unsubscribe-token.ts';

const SECRET = 'unsubscribe-secret-for-tests-0123456789';
const now = new Date('2026-03-10T12:00:00Z');
const claims: UnsubscribeClaims = {
  storeId: 'store-1',
  email: 'ann@example.com',
  journey: 'cart-abandonment',
  expiresAt: new Date('2026-06-10T12:00:00Z'),
};

describe('Function: signUnsubscribeToken', () => {
  it('makes a URL-safe token of payload and signature', () => {
    // Prepare
    const input = claims;

    // Act
    const token = signUnsubscribeToken(input, SECRET);

    // Assess
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    expect(encodeURIComponent(token)).toBe(token);
  });

  it('gives the same token for the same claims and secret', () => {
    // Prepare
    const input = { ...claims };

    // Act
    const tokens = [signUnsubscribeToken(input, SECRET), signUnsubscribeToken(claims, SECRET)];

    // Assess
    expect(tokens[0]).toBe(tokens[1]);
  });

  it('fails without a secret', () => {
    // Prepare
    const secret = '';

    // Act
    const act = () => signUnsubscribeToken(claims, secret);

    // Assess
    expect(act).toThrow(RangeError);
  });

  it.each([
    { name: 'store id', override: { storeId: '' } },
    { name: 'e-mail', override: { email: '' } },
    { name: 'journey', override: { journey: '' } },
  ])('fails for an empty $name', ({ override }) => {
    // Prepare
    const input = { ...claims, ...override };

    // Act
    const act = () => signUnsubscribeToken(input, SECRET);

    // Assess
    expect(act).toThrow(RangeError);
  });

  it('fails for an invalid expiry', () => {
    // Prepare
    const input = { ...claims, expiresAt: new Date('never') };

    // Act
    const act = () => signUnsubscribeToken(input, SECRET);

    // Assess
    expect(act).toThrow(RangeError);
  });
});

describe('Function: verifyUnsubscribeToken', () => {
  it('returns the claims of a token it signed', () => {
    // Prepare
    const token = signUnsubscribeToken(claims, SECRET);

    // Act
    const result = verifyUnsubscribeToken(token, SECRET, now);

    // Assess
    expect(result).toEqual({ ok: true, claims });
  });

  it('round-trips a token without a journey, which means all marketing', () => {
    // Prepare
    const { journey: _journey, ...storeWide } = claims;
    const token = signUnsubscribeToken(storeWide, SECRET);

    // Act
    const result = verifyUnsubscribeToken(token, SECRET, now);

    // Assess
    expect(result).toEqual({ ok: true, claims: storeWide });
    expect(result.ok && 'journey' in result.claims).toBe(false);
  });

  it('round-trips addresses with non-ASCII characters and plus signs', () => {
    // Prepare
    const input = { ...claims, email: 'jörg+news@bücher.example' };
    const token = signUnsubscribeToken(input, SECRET);

    // Act
    const result = verifyUnsubscribeToken(token, SECRET, now);

    // Assess
    expect(result).toEqual({ ok: true, claims: input });
  });

  it('fails a token signed with another secret', () => {
    // Prepare
    const token = signUnsubscribeToken(claims, 'another-secret');

    // Act
    const result = verifyUnsubscribeToken(token, SECRET, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('fails a token whose payload was changed to another address', () => {
    // Prepare
    const [, signature] = signUnsubscribeToken(claims, SECRET).split('.');
    const forged = Buffer.from(
      JSON.stringify({ v: 1, s: 'store-1', e: 'bob@example.com', x: claims.expiresAt.getTime() }),
    ).toString('base64url');

    // Act
    const result = verifyUnsubscribeToken(`${forged}.${signature}`, SECRET, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('fails a token whose expiry was pushed out', () => {
    // Prepare
    const [, signature] = signUnsubscribeToken(claims, SECRET).split('.');
    const forged = Buffer.from(
      JSON.stringify({
        v: 1,
        s: 'store-1',
        e: claims.email,
        j: claims.journey,
        x: Date.parse('2099-01-01T00:00:00Z'),
      }),
    ).toString('base64url');

    // Act
    const result = verifyUnsubscribeToken(`${forged}.${signature}`, SECRET, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('fails a token whose signature was changed', () => {
    // Prepare
    const [payload, signature = ''] = signUnsubscribeToken(claims, SECRET).split('.');
    const tampered = `${payload}.${signature.slice(0, 10)}${signature[10] === 'a' ? 'b' : 'a'}${signature.slice(11)}`;

    // Act
    const result = verifyUnsubscribeToken(tampered, SECRET, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('fails every token when the secret is empty', () => {
    // Prepare
    const token = signUnsubscribeToken(claims, SECRET);

    // Act
    const result = verifyUnsubscribeToken(token, '', now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('fails an expired token', () => {
    // Prepare
    const token = signUnsubscribeToken(claims, SECRET);

    // Act
    const result = verifyUnsubscribeToken(token, SECRET, new Date('2026-07-01T00:00:00Z'));

    // Assess
    expect(result).toEqual({ ok: false, reason: 'expired' });
  });

  it('fails a token exactly at its expiry', () => {
    // Prepare
    const token = signUnsubscribeToken(claims, SECRET);

    // Act
    const result = verifyUnsubscribeToken(token, SECRET, claims.expiresAt);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'expired' });
  });

  it('accepts a token one millisecond before its expiry', () => {
    // Prepare
    const token = signUnsubscribeToken(claims, SECRET);

    // Act
    const result = verifyUnsubscribeToken(token, SECRET, new Date(claims.expiresAt.getTime() - 1));

    // Assess
    expect(result.ok).toBe(true);
  });

  it('checks the signature before the expiry, so a forged token never reads as merely expired', () => {
    // Prepare
    const token = signUnsubscribeToken(claims, 'another-secret');

    // Act
    const result = verifyUnsubscribeToken(token, SECRET, new Date('2027-01-01T00:00:00Z'));

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it.each([
    { name: 'an empty string', token: '' },
    { name: 'no separator', token: 'abcdef' },
    { name: 'three parts', token: 'a.b.c' },
    { name: 'an empty payload', token: `.${'A'.repeat(43)}` },
    { name: 'an empty signature', token: 'eyJ2IjoxfQ.' },
    { name: 'standard base64 characters', token: `eyJ2IjoxfQ+/.${'A'.repeat(43)}` },
    { name: 'padding', token: `eyJ2IjoxfQ==.${'A'.repeat(43)}` },
    { name: 'a short signature', token: 'eyJ2IjoxfQ.AAAA' },
    { name: 'an oversized token', token: `${'A'.repeat(4000)}.${'A'.repeat(43)}` },
  ])('fails a token with $name as malformed', ({ token }) => {
    // Prepare
    const input = token;

    // Act
    const result = verifyUnsubscribeToken(input, SECRET, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'malformed' });
  });

  it('fails a signature with non-canonical trailing bits as malformed', () => {
    // Prepare: the last character of 32 bytes carries 2 unused bits; flipping them decodes the same
    const [payload, signature = ''] = signUnsubscribeToken(claims, SECRET).split('.');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(signature.at(-1) ?? 'A');
    const sameBytes = `${signature.slice(0, -1)}${alphabet[last ^ 1]}`;

    // Act
    const result = verifyUnsubscribeToken(`${payload}.${sameBytes}`, SECRET, now);

    // Assess
    expect(Buffer.from(sameBytes, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    expect(result).toEqual({ ok: false, reason: 'malformed' });
  });

  it('fails a validly signed payload that is not a token payload as malformed', () => {
    // Prepare: signed with the right secret, but not claims this code ever writes
    const payload = Buffer.from(JSON.stringify({ v: 2, s: 'store-1' })).toString('base64url');
    const signature = createHmac('sha256', SECRET).update(payload).digest('base64url');

    // Act
    const result = verifyUnsubscribeToken(`${payload}.${signature}`, SECRET, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'malformed' });
  });
});
