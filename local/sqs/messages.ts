import { SqsError } from './errors.ts';
import type { MessageAttribute } from './md5.ts';

/** SQS's own ceiling since 2025; larger bodies would work locally and fail in the cloud. */
export const MAX_MESSAGE_BYTES = 1_048_576;
const MAX_MESSAGE_ATTRIBUTES = 10;

// The characters SQS accepts in a body or string attribute value (XML 1.0 Char production).
const ALLOWED_TEXT = /^[\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]*$/u;
const ATTRIBUTE_NAME = /^[A-Za-z0-9_\-.]{1,256}$/;
const DATA_TYPE = /^(String|Number|Binary)(\.[^\s]+)?$/;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

export function validateBody(body: string | undefined): string {
  if (body === undefined || body.length === 0) {
    throw new SqsError('MissingParameter', 'The request must contain the parameter MessageBody.');
  }
  if (!ALLOWED_TEXT.test(body)) {
    throw new SqsError('InvalidMessageContents', 'Invalid binary character in the message body.');
  }
  return body;
}

export function validateMessageAttributes(
  attributes: Record<string, MessageAttribute>,
  body: string,
): Record<string, MessageAttribute> {
  const names = Object.keys(attributes);
  if (names.length > MAX_MESSAGE_ATTRIBUTES) {
    throw new SqsError(
      'InvalidParameterValue',
      `Number of message attributes [${names.length}] exceeds the allowed maximum [${MAX_MESSAGE_ATTRIBUTES}].`,
    );
  }
  let size = Buffer.byteLength(body, 'utf8');
  for (const name of names) {
    const attribute = attributes[name]!;
    validateAttributeName(name);
    if (!DATA_TYPE.test(attribute.dataType)) {
      throw new SqsError(
        'InvalidParameterValue',
        `The type of message (user) attribute '${name}' is invalid. You must use only the following supported type prefixes: Binary, Number, String.`,
      );
    }
    const binary = attribute.dataType.startsWith('Binary');
    const value = binary ? attribute.binaryValue : attribute.stringValue;
    if (value === undefined || value.length === 0) {
      throw new SqsError(
        'InvalidParameterValue',
        `Message (user) attribute '${name}' must contain a non-empty value of type '${binary ? 'Binary' : 'String'}'.`,
      );
    }
    if (typeof value === 'string' && !ALLOWED_TEXT.test(value)) {
      throw new SqsError(
        'InvalidParameterValue',
        `Message (user) attribute '${name}' contains invalid characters.`,
      );
    }
    if (attribute.dataType.startsWith('Number') && !NUMBER.test(attribute.stringValue ?? '')) {
      throw new SqsError(
        'InvalidParameterValue',
        `Message (user) attribute '${name}' is not a valid number.`,
      );
    }
    size += Buffer.byteLength(name) + Buffer.byteLength(attribute.dataType) + byteLength(value);
  }
  if (size > MAX_MESSAGE_BYTES) {
    throw new SqsError(
      'InvalidParameterValue',
      `One or more parameters are invalid. Reason: Message must be shorter than ${MAX_MESSAGE_BYTES} bytes.`,
    );
  }
  return attributes;
}

function validateAttributeName(name: string): void {
  const reserved = /^(aws\.|amazon\.)/i.test(name);
  if (
    !ATTRIBUTE_NAME.test(name) ||
    reserved ||
    name.startsWith('.') ||
    name.endsWith('.') ||
    name.includes('..')
  ) {
    throw new SqsError('InvalidParameterValue', `Message (user) attribute name '${name}' is invalid.`);
  }
}

function byteLength(value: string | Uint8Array): number {
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.byteLength;
}

export interface ReceiptHandleParts {
  queueName: string;
  messageId: string;
  nonce: string;
}

/** Opaque to clients, but self-describing so a stale handle can be told apart from a garbled one. */
export function encodeReceiptHandle(parts: ReceiptHandleParts): string {
  return Buffer.from(JSON.stringify([parts.queueName, parts.messageId, parts.nonce])).toString('base64url');
}

export function decodeReceiptHandle(handle: string): ReceiptHandleParts {
  try {
    const parts: unknown = JSON.parse(Buffer.from(handle, 'base64url').toString('utf8'));
    if (Array.isArray(parts) && parts.length === 3 && parts.every((part) => typeof part === 'string')) {
      const [queueName, messageId, nonce] = parts as [string, string, string];
      return { queueName, messageId, nonce };
    }
  } catch {
    // Falls through to the SQS error below.
  }
  throw new SqsError(
    'ReceiptHandleIsInvalid',
    `The input receipt handle "${handle}" is not a valid receipt handle.`,
  );
}
