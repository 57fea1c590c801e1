import { invalidPattern } from './invalid-event-pattern-error.ts';

/** 4 bytes for IPv4, 16 for IPv6. */
export type IpAddress = Uint8Array;

export interface IpRange {
  readonly lowest: IpAddress;
  readonly highest: IpAddress;
}

// AWS only treats a value as an address when it has one of these shapes; anything else is "nonstandard".
const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;
const MASK_BITS = /^[+-]?[0-9]+$/;

/** Parses an address the way the matcher sees event values; undefined for anything that is not one. */
export function parseIpAddress(text: string): IpAddress | undefined {
  if (IPV4_SHAPE.test(text)) return parseIpv4(text);
  if (IPV6_SHAPE.test(text)) return parseIpv6(text);
  return undefined;
}

function looksLikeIpAddress(text: string): boolean {
  return IPV4_SHAPE.test(text) || IPV6_SHAPE.test(text);
}

/**
 * Mirrors AWS's checks and messages, including its refusal of /32 and /128. The range covers the whole
 * network whatever host bits the address was written with ("10.0.0.5/24" is 10.0.0.0-10.0.0.255).
 */
export function compileCidr(text: string): IpRange {
  const parts = text.split('/');
  // Java's String.split, which AWS uses, drops trailing empty parts: "10.0.0.0/" has one part.
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length !== 2) invalidPattern("Malformed CIDR, one '/' required");
  const [addressText = '', maskText = ''] = parts;
  const maskBits = MASK_BITS.test(maskText) ? Number(maskText) : Number.NaN;
  // Java's Integer.parseInt: an optional sign, decimal digits, and a 32-bit range.
  if (!Number.isInteger(maskBits) || maskBits > 2 ** 31 - 1 || maskBits < -(2 ** 31)) {
    invalidPattern('Malformed CIDR, mask bits must be an integer');
  }
  if (maskBits < 0) invalidPattern('Malformed CIDR, mask bits must not be negative');
  if (!looksLikeIpAddress(addressText)) invalidPattern(`Nonstandard IP address: ${addressText}`);
  const address = parseIpAddress(addressText);
  if (address === undefined) invalidPattern(`Invalid IP address: ${addressText}`);
  if (address.length === 4 && maskBits > 31) invalidPattern('IPv4 mask bits must be < 32');
  if (address.length === 16 && maskBits > 127) invalidPattern('IPv6 mask bits must be < 128');

  const lowest = Uint8Array.from(address);
  const highest = Uint8Array.from(address);
  let hostBits = address.length * 8 - maskBits;
  for (let index = address.length - 1; index >= 0 && hostBits > 0; index--, hostBits -= 8) {
    const hostMask = hostBits >= 8 ? 0xff : (1 << hostBits) - 1;
    lowest[index] = (lowest[index] as number) & ~hostMask;
    highest[index] = (highest[index] as number) | hostMask;
  }
  return { lowest, highest };
}

export function isInRange(range: IpRange, address: IpAddress): boolean {
  if (address.length !== range.lowest.length) return false;
  return compareBytes(address, range.lowest) >= 0 && compareBytes(address, range.highest) <= 0;
}

export function sameAddress(a: IpAddress, b: IpAddress): boolean {
  return a.length === b.length && compareBytes(a, b) === 0;
}

function compareBytes(a: IpAddress, b: IpAddress): number {
  for (let index = 0; index < a.length; index++) {
    const difference = (a[index] as number) - (b[index] as number);
    if (difference !== 0) return difference;
  }
  return 0;
}

function parseIpv4(text: string): IpAddress | undefined {
  const octets = text.split('.');
  const bytes = new Uint8Array(4);
  for (const [index, octet] of octets.entries()) {
    // Leading zeros are ambiguous (octal or decimal?) and Java refuses such literals.
    if (octet.length > 1 && octet.startsWith('0')) return undefined;
    const value = Number(octet);
    if (value > 255) return undefined;
    bytes[index] = value;
  }
  return bytes;
}

function parseIpv6(text: string): IpAddress | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0] as string);
  const tail = halves.length === 2 ? parseGroups(halves[1] as string) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const bytes = new Uint8Array(16);
  for (const [index, group] of groups.entries()) {
    bytes[index * 2] = group >> 8;
    bytes[index * 2 + 1] = group & 0xff;
  }
  // Java hands back an IPv4-mapped address (::ffff:a.b.c.d) as the plain IPv4 address.
  if (bytes.subarray(0, 10).every((byte) => byte === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return bytes.slice(12);
  }
  return bytes;
}

function parseGroups(text: string): number[] | undefined {
  if (text === '') return [];
  const groups: number[] = [];
  for (const group of text.split(':')) {
    if (group.length === 0 || group.length > 4) return undefined;
    groups.push(Number.parseInt(group, 16));
  }
  return groups;
}
