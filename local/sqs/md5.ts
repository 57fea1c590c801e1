import { createHash } from 'node:crypto';

export interface MessageAttribute {
  dataType: string;
  stringValue?: string;
  binaryValue?: Uint8Array;
}

export function md5Hex(data: string | Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

/**
 * The digest SQS returns as MD5OfMessageAttributes: attributes sorted by name, each encoded as
 * length-prefixed name, length-prefixed data type, a transport byte (1 string, 2 binary) and the
 * length-prefixed value. Clients compare it byte for byte, so the encoding must match exactly.
 */
export function md5OfMessageAttributes(attributes: Record<string, MessageAttribute>): string | undefined {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  for (const name of names) {
    const attribute = attributes[name]!;
    hash.update(lengthPrefixed(Buffer.from(name, 'utf8')));
    hash.update(lengthPrefixed(Buffer.from(attribute.dataType, 'utf8')));
    if (attribute.binaryValue !== undefined) {
      hash.update(Uint8Array.of(2));
      hash.update(lengthPrefixed(attribute.binaryValue));
    } else {
      hash.update(Uint8Array.of(1));
      hash.update(lengthPrefixed(Buffer.from(attribute.stringValue ?? '', 'utf8')));
    }
  }
  return hash.digest('hex');
}

function lengthPrefixed(bytes: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.byteLength);
  return Buffer.concat([length, bytes]);
}
