import { createCipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  claimedStoreId,
  signUnsubscribeToken,
  type UnsubscribeClaims,
  verifyUnsubscribeToken,
} from '#messaging/domain/unsubscribe-token.ts';

const SECRET = 'unsubscribe-secret-for-tests-0123456789';
const OTHER_SECRET = 'another-stores-secret-9876543210';
const now = new Date('2026-03-10T12:00:00Z');
// Long enough that no fragment of it turns up in random ciphertext by chance.
const LOCAL_PART = 'annika.lindqvist+offers';
const claims: UnsubscribeClaims = {
  storeId: 'store-1',
  email: `${LOCAL_PART}@example.com`,
  journey: 'cart-abandonment',
  expiresAt: new Date('2026-06-10T12:00:00Z'),
};
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const V2_TOKEN = /^v2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/;

/** A version 1 token made the way links were mailed before version 2: signed, not encrypted. */
function signV1(input: UnsubscribeClaims, secret: string): string {
  const payload = {
    v: 1,
    s: input.storeId,
    e: input.email,
    ...(input.journey === undefined ? {} : { j: input.journey }),
    x: input.expiresAt.getTime(),
  };
  const encoded = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return `${encoded}.${createHmac('sha256', secret).update(encoded).digest('base64url')}`;
}

/** Seals any plaintext in the version 2 format, independently of the module under test. */
function sealV2(storeId: string, plaintext: string, secret: string): string {
  const key = Buffer.from(
    hkdfSync('sha256', secret, Buffer.alloc(0), 'storefront-journeys unsubscribe token v2', 32),
  );
  const header = `v2.${Buffer.from(storeId).toString('base64url')}`;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(header));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    header,
    iv.toString('base64url'),
    ciphertext.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
  ].join('.');
}

/** Replaces one dot-separated part of a token. */
function withPart(token: string, index: number, replace: (part: string) => string): string {
  return token
    .split('.')
    .map((part, at) => (at === index ? replace(part) : part))
    .join('.');
}

/** Changes the first character, which never touches a part's unused trailing bits. */
function flipFirst(part: string): string {
  return `${part[0] === 'A' ? 'B' : 'A'}${part.slice(1)}`;
}

/** The text and its base64/base64url spellings at each of the three byte alignments. */
function spellingsOf(text: string): string[] {
  return [0, 1, 2].flatMap((shift) => {
    const encoded = Buffer.from(`${'#'.repeat(shift)}${text}`, 'utf8').toString('base64');
    // Drop the groups that also hold the prefix or the padding: what is left depends on `text` only.
    const inner = encoded.slice(shift === 0 ? 0 : 4, -4);
    return [inner, inner.replaceAll('+', '-').replaceAll('/', '_')];
  });
}

describe('Function: signUnsubscribeToken', () => {
  it('makes a URL-safe version 2 token of store, IV, ciphertext and tag, no longer than version 1', () => {
    // Prepare
    const input = claims;

    // Act
    const token = signUnsubscribeToken(input, SECRET);

    // Assess
    expect(token).toMatch(V2_TOKEN);
    expect(encodeURIComponent(token)).toBe(token);
    expect(token.length).toBeLessThanOrEqual(signV1(input, SECRET).length);
  });

  it('keeps the store id readable, and nothing else', () => {
    // Prepare
    const input = claims;

    // Act
    const [, store] = signUnsubscribeToken(input, SECRET).split('.');

    // Assess
    expect(Buffer.from(store ?? '', 'base64url').toString('utf8')).toBe('store-1');
  });

  it('shows the e-mail address nowhere in the token nor in any decoding of its parts', () => {
    // Prepare
    const secrets = [claims.email, LOCAL_PART];

    // Act
    const token = signUnsubscribeToken(claims, SECRET);
    const views = [
      token,
      token.toLowerCase(),
      ...token.split('.').flatMap((part) => {
        const bytes = Buffer.from(part, 'base64url');
        return [bytes.toString('utf8'), bytes.toString('latin1'), bytes.toString('hex')];
      }),
    ];

    // Assess
    for (const secret of secrets) {
      for (const view of views) expect(view.toLowerCase()).not.toContain(secret.toLowerCase());
      for (const spelling of spellingsOf(secret)) expect(token).not.toContain(spelling);
    }
    expect(spellingsOf(LOCAL_PART).every((spelling) => spelling.length >= 20)).toBe(true);
  });

  it('gives a different token each time for the same claims, each of which verifies', () => {
    // Prepare
    const input = { ...claims };

    // Act
    const tokens = [signUnsubscribeToken(input, SECRET), signUnsubscribeToken(claims, SECRET)];

    // Assess
    expect(tokens[0]).not.toBe(tokens[1]);
    expect(tokens[0]?.split('.')[2]).not.toBe(tokens[1]?.split('.')[2]);
    for (const token of tokens)
      expect(verifyUnsubscribeToken(token, SECRET, now)).toEqual({ ok: true, claims });
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

  it('fails for claims too long to ever verify', () => {
    // Prepare
    const input = { ...claims, journey: 'j'.repeat(2000) };

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

  it('round-trips addresses and store ids with non-ASCII characters and plus signs', () => {
    // Prepare
    const input = { ...claims, storeId: 'bücher.shop', email: 'jörg+news@bücher.example' };
    const token = signUnsubscribeToken(input, SECRET);

    // Act
    const result = verifyUnsubscribeToken(token, SECRET, now);

    // Assess
    expect(token).toMatch(V2_TOKEN);
    expect(result).toEqual({ ok: true, claims: input });
  });

  it('reads a token sealed in the documented version 2 format', () => {
    // Prepare
    const token = sealV2(
      'store-1',
      JSON.stringify({ e: claims.email, x: claims.expiresAt.getTime() }),
      SECRET,
    );

    // Act
    const result = verifyUnsubscribeToken(token, SECRET, now);

    // Assess
    expect(result).toEqual({
      ok: true,
      claims: { storeId: 'store-1', email: claims.email, expiresAt: claims.expiresAt },
    });
  });

  it("fails a token of one store under another store's key", () => {
    // Prepare
    const token = signUnsubscribeToken(claims, SECRET);

    // Act
    const result = verifyUnsubscribeToken(token, OTHER_SECRET, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it.each([
    { name: 'its own', secret: SECRET },
    { name: "the other store's", secret: OTHER_SECRET },
  ])('fails a token whose store id was swapped for another, under $name key', ({ secret }) => {
    // Prepare
    const token = signUnsubscribeToken(claims, SECRET);
    const swapped = withPart(token, 1, () => Buffer.from('store-2').toString('base64url'));

    // Act
    const result = verifyUnsubscribeToken(swapped, secret, now);

    // Assess
    expect(claimedStoreId(swapped)).toBe('store-2');
    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it.each([
    { name: 'store id', index: 1 },
    { name: 'IV', index: 2 },
    { name: 'ciphertext', index: 3 },
    { name: 'tag', index: 4 },
  ])('fails a token whose $name was changed', ({ index }) => {
    // Prepare
    const token = withPart(signUnsubscribeToken(claims, SECRET), index, flipFirst);

    // Act
    const result = verifyUnsubscribeToken(token, SECRET, now);

    // Assess
    expect(['bad-signature', 'malformed']).toContain(result.ok ? 'ok' : result.reason);
  });

  it.each([
    { name: 'IV', index: 2 },
    { name: 'ciphertext', index: 3 },
    { name: 'tag', index: 4 },
  ])('fails a token with any one bit of its $name flipped as bad-signature', ({ index }) => {
    // Prepare
    const token = signUnsubscribeToken(claims, SECRET);
    const bytes = Buffer.from(token.split('.')[index] ?? '', 'base64url');
    const tampered = Array.from({ length: bytes.length * 8 }, (_, bit) => {
      const flipped = Buffer.from(bytes);
      flipped[bit >> 3] = (flipped[bit >> 3] ?? 0) ^ (1 << (bit & 7));
      return withPart(token, index, () => flipped.toString('base64url'));
    });

    // Act
    const results = tampered.map((candidate) => verifyUnsubscribeToken(candidate, SECRET, now));

    // Assess
    expect(results.every((result) => !result.ok && result.reason === 'bad-signature')).toBe(true);
  });

  it.each([
    { name: 'a truncated ciphertext', change: (bytes: Buffer) => bytes.subarray(0, -1) },
    { name: 'a lengthened ciphertext', change: (bytes: Buffer) => Buffer.concat([bytes, Buffer.of(0)]) },
  ])('fails a token with $name as bad-signature', ({ change }) => {
    // Prepare
    const token = withPart(signUnsubscribeToken(claims, SECRET), 3, (part) =>
      change(Buffer.from(part, 'base64url')).toString('base64url'),
    );

    // Act
    const result = verifyUnsubscribeToken(token, SECRET, now);

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

  it('authenticates before the expiry, so a forged token never reads as merely expired', () => {
    // Prepare
    const token = signUnsubscribeToken(claims, OTHER_SECRET);

    // Act
    const result = verifyUnsubscribeToken(token, SECRET, new Date('2027-01-01T00:00:00Z'));

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it.each([
    { name: 'an empty string', token: '' },
    { name: 'no separator', token: 'abcdef' },
    { name: 'three parts', token: 'a.b.c' },
    { name: 'a version 2 token of four parts', token: 'v2.c3RvcmUtMQ.AAAAAAAAAAAAAAAA.AAAA' },
    {
      name: 'a version 2 token of six parts',
      token: `v2.c3RvcmUtMQ.${'A'.repeat(16)}.AAAA.${'A'.repeat(22)}.AAAA`,
    },
    { name: 'an unknown version', token: `v3.c3RvcmUtMQ.${'A'.repeat(16)}.AAAA.${'A'.repeat(22)}` },
    { name: 'an upper-case version', token: `V2.c3RvcmUtMQ.${'A'.repeat(16)}.AAAA.${'A'.repeat(22)}` },
    { name: 'an empty store id', token: `v2..${'A'.repeat(16)}.AAAA.${'A'.repeat(22)}` },
    { name: 'a store id that is not UTF-8', token: `v2.__8.${'A'.repeat(16)}.AAAA.${'A'.repeat(22)}` },
    { name: 'a short IV', token: `v2.c3RvcmUtMQ.${'A'.repeat(12)}.AAAA.${'A'.repeat(22)}` },
    { name: 'an empty ciphertext', token: `v2.c3RvcmUtMQ.${'A'.repeat(16)}..${'A'.repeat(22)}` },
    { name: 'a short tag', token: `v2.c3RvcmUtMQ.${'A'.repeat(16)}.AAAA.${'A'.repeat(16)}` },
    { name: 'padding', token: `v2.c3RvcmUtMQ==.${'A'.repeat(16)}.AAAA.${'A'.repeat(22)}` },
    { name: 'standard base64 characters', token: `v2.c3Rv+/.${'A'.repeat(16)}.AAAA.${'A'.repeat(22)}` },
    { name: 'an empty version 1 payload', token: `.${'A'.repeat(43)}` },
    { name: 'an empty version 1 signature', token: 'eyJ2IjoxfQ.' },
    { name: 'a short version 1 signature', token: 'eyJ2IjoxfQ.AAAA' },
    {
      name: 'an oversized token',
      token: `v2.c3RvcmUtMQ.${'A'.repeat(16)}.${'A'.repeat(4000)}.${'A'.repeat(22)}`,
    },
  ])('fails a token with $name as malformed', ({ token }) => {
    // Prepare
    const input = token;

    // Act
    const result = verifyUnsubscribeToken(input, SECRET, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'malformed' });
  });

  it('fails a tag with non-canonical trailing bits as malformed', () => {
    // Prepare: the last character of 16 bytes carries 4 unused bits; flipping one decodes the same
    const token = signUnsubscribeToken(claims, SECRET);
    const tag = token.split('.')[4] ?? '';
    const sameBytes = `${tag.slice(0, -1)}${ALPHABET[ALPHABET.indexOf(tag.at(-1) ?? 'A') ^ 1]}`;

    // Act
    const result = verifyUnsubscribeToken(
      withPart(token, 4, () => sameBytes),
      SECRET,
      now,
    );

    // Assess
    expect(Buffer.from(sameBytes, 'base64url')).toEqual(Buffer.from(tag, 'base64url'));
    expect(result).toEqual({ ok: false, reason: 'malformed' });
  });

  it.each([
    { name: 'not JSON', plaintext: 'ann@example.com' },
    {
      name: 'a version 1 payload',
      plaintext: JSON.stringify({ v: 1, s: 'store-1', e: 'a@b.example', x: 1 }),
    },
    { name: 'missing its expiry', plaintext: JSON.stringify({ e: 'a@b.example' }) },
    { name: 'an empty address', plaintext: JSON.stringify({ e: '', x: 1 }) },
    { name: 'an unknown key', plaintext: JSON.stringify({ e: 'a@b.example', x: 1, admin: true }) },
  ])('fails an authentic ciphertext that is $name as malformed', ({ plaintext }) => {
    // Prepare: sealed with the right key, but not a payload this code ever writes
    const token = sealV2('store-1', plaintext, SECRET);

    // Act
    const result = verifyUnsubscribeToken(token, SECRET, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'malformed' });
  });
});

// Links mailed before version 2 stay valid for 90 days; drop these with version 1 acceptance.
describe('Function: verifyUnsubscribeToken, version 1 tokens', () => {
  it('still verifies a version 1 token made the old way', () => {
    // Prepare
    const token = signV1(claims, SECRET);

    // Act
    const result = verifyUnsubscribeToken(token, SECRET, now);

    // Assess
    expect(result).toEqual({ ok: true, claims });
  });

  it('still verifies a version 1 token without a journey', () => {
    // Prepare
    const { journey: _journey, ...storeWide } = claims;
    const token = signV1(storeWide, SECRET);

    // Act
    const result = verifyUnsubscribeToken(token, SECRET, now);

    // Assess
    expect(result).toEqual({ ok: true, claims: storeWide });
  });

  it('fails a version 1 token signed with another secret', () => {
    // Prepare
    const token = signV1(claims, OTHER_SECRET);

    // Act
    const result = verifyUnsubscribeToken(token, SECRET, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('fails a version 1 token whose payload was changed to another address', () => {
    // Prepare
    const [, signature] = signV1(claims, SECRET).split('.');
    const forged = Buffer.from(
      JSON.stringify({ v: 1, s: 'store-1', e: 'bob@example.com', x: claims.expiresAt.getTime() }),
    ).toString('base64url');

    // Act
    const result = verifyUnsubscribeToken(`${forged}.${signature}`, SECRET, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('fails a version 1 token whose expiry was pushed out', () => {
    // Prepare
    const [, signature] = signV1(claims, SECRET).split('.');
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

  it('fails a version 1 token whose signature was changed', () => {
    // Prepare
    const tampered = withPart(signV1(claims, SECRET), 1, flipFirst);

    // Act
    const result = verifyUnsubscribeToken(tampered, SECRET, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('fails a version 1 token when the secret is empty', () => {
    // Prepare
    const token = signV1(claims, SECRET);

    // Act
    const result = verifyUnsubscribeToken(token, '', now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('fails an expired version 1 token', () => {
    // Prepare
    const token = signV1(claims, SECRET);

    // Act
    const result = verifyUnsubscribeToken(token, SECRET, claims.expiresAt);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'expired' });
  });

  it('fails a version 1 signature with non-canonical trailing bits as malformed', () => {
    // Prepare: the last character of 32 bytes carries 2 unused bits; flipping one decodes the same
    const [payload, signature = ''] = signV1(claims, SECRET).split('.');
    const sameBytes = `${signature.slice(0, -1)}${ALPHABET[ALPHABET.indexOf(signature.at(-1) ?? 'A') ^ 1]}`;

    // Act
    const result = verifyUnsubscribeToken(`${payload}.${sameBytes}`, SECRET, now);

    // Assess
    expect(Buffer.from(sameBytes, 'base64url')).toEqual(Buffer.from(signature, 'base64url'));
    expect(result).toEqual({ ok: false, reason: 'malformed' });
  });

  it('fails a validly signed version 1 payload that is not a token payload as malformed', () => {
    // Prepare: signed with the right secret, but not claims this code ever writes
    const payload = Buffer.from(JSON.stringify({ v: 2, s: 'store-1' })).toString('base64url');
    const signature = createHmac('sha256', SECRET).update(payload).digest('base64url');

    // Act
    const result = verifyUnsubscribeToken(`${payload}.${signature}`, SECRET, now);

    // Assess
    expect(result).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('Function: claimedStoreId', () => {
  it.each([
    { name: 'a version 2 token', token: () => signUnsubscribeToken(claims, SECRET), expected: 'store-1' },
    {
      name: 'a version 2 token of a non-ASCII store',
      token: () => signUnsubscribeToken({ ...claims, storeId: 'bücher.shop' }, SECRET),
      expected: 'bücher.shop',
    },
    { name: 'a version 1 token', token: () => signV1(claims, SECRET), expected: 'store-1' },
    { name: 'an empty string', token: () => '', expected: undefined },
    { name: 'garbage', token: () => 'not a token', expected: undefined },
    { name: 'a bare version', token: () => 'v2', expected: undefined },
    {
      name: 'a version 2 token with a padded store id',
      token: () => 'v2.c3RvcmUtMQ==.x.y.z',
      expected: undefined,
    },
    { name: 'a store id that is not UTF-8', token: () => 'v2.__8.x.y.z', expected: undefined },
    { name: 'a version 1 payload that is not JSON', token: () => 'bm90IGpzb24.AAAA', expected: undefined },
    { name: 'an oversized token', token: () => `v2.c3RvcmUtMQ.${'A'.repeat(4000)}`, expected: undefined },
  ])('reads $name', ({ token, expected }) => {
    // Prepare
    const input = token();

    // Act
    const storeId = claimedStoreId(input);

    // Assess
    expect(storeId).toBe(expected);
  });
});
