import { SqsError } from './errors.ts';
import { isJsonObject, type JsonObject, optionalString } from './json-input.ts';
import type { MessageAttribute } from './md5.ts';
import type { ReceivedMessage } from './queues.ts';

/** Converts a request's MessageAttributes map, whose binary values travel base64-encoded in JSON. */
export function attributesFromWire(wire: JsonObject | undefined): Record<string, MessageAttribute> {
  const attributes: Record<string, MessageAttribute> = {};
  for (const [name, value] of Object.entries(wire ?? {})) {
    if (!isJsonObject(value)) {
      throw new SqsError('InvalidParameterValue', `Message (user) attribute '${name}' is invalid.`);
    }
    if (value.StringListValues !== undefined || value.BinaryListValues !== undefined) {
      throw new SqsError(
        'InvalidParameterValue',
        `Message (user) attribute '${name}': list values are not supported.`,
      );
    }
    const binaryValue = optionalString(value, 'BinaryValue');
    const stringValue = optionalString(value, 'StringValue');
    attributes[name] = {
      dataType: optionalString(value, 'DataType') ?? '',
      ...(stringValue === undefined ? {} : { stringValue }),
      ...(binaryValue === undefined ? {} : { binaryValue: Buffer.from(binaryValue, 'base64') }),
    };
  }
  return attributes;
}

export function attributesToWire(attributes: Record<string, MessageAttribute>): JsonObject {
  const wire: JsonObject = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    wire[name] =
      attribute.binaryValue === undefined
        ? { DataType: attribute.dataType, StringValue: attribute.stringValue }
        : {
            DataType: attribute.dataType,
            BinaryValue: Buffer.from(attribute.binaryValue).toString('base64'),
          };
  }
  return wire;
}

/** MessageAttributeNames semantics: `All` or `.*` for everything, `prefix.*` for a prefix, else exact names. */
export function selectAttributes(
  attributes: Record<string, MessageAttribute>,
  requested: readonly string[],
): Record<string, MessageAttribute> {
  const wanted = (name: string): boolean =>
    requested.some((pattern) => {
      if (pattern === 'All' || pattern === '.*') return true;
      if (pattern.endsWith('.*')) return name.startsWith(pattern.slice(0, -1));
      return pattern === name;
    });
  return Object.fromEntries(Object.entries(attributes).filter(([name]) => wanted(name)));
}

/** The message system attributes a receive asked for, as SQS returns them: every value a string. */
export function systemAttributes(
  message: ReceivedMessage,
  requested: readonly string[],
): Record<string, string> {
  const all = requested.includes('All');
  const available: Record<string, string | undefined> = {
    SenderId: message.senderId,
    SentTimestamp: String(message.sentTimestamp),
    ApproximateReceiveCount: String(message.approximateReceiveCount),
    ApproximateFirstReceiveTimestamp: String(message.approximateFirstReceiveTimestamp),
    DeadLetterQueueSourceArn: message.deadLetterQueueSourceArn,
  };
  const selected: Record<string, string> = {};
  for (const [name, value] of Object.entries(available)) {
    if (value !== undefined && (all || requested.includes(name))) selected[name] = value;
  }
  return selected;
}
