import { SqsError } from './errors.ts';
import {
  type JsonObject,
  optionalInteger,
  optionalObject,
  optionalString,
  optionalStringList,
  optionalStringMap,
  requiredObjectList,
  requiredString,
} from './json-input.ts';
import { md5OfMessageAttributes } from './md5.ts';
import { attributesFromWire, attributesToWire, selectAttributes, systemAttributes } from './message-wire.ts';
import { MAX_MESSAGE_BYTES } from './messages.ts';
import { definitionFromAttributes, readQueueAttributes } from './queue-attributes.ts';
import type { LocalQueues, ReceivedMessage } from './queues.ts';

export interface OperationContext {
  queues: LocalQueues;
  /** Aborted when the server closes, so long polls answer instead of holding the socket open. */
  signal: AbortSignal;
}

type Operation = (input: JsonObject, context: OperationContext) => JsonObject | Promise<JsonObject>;

const MAX_WAIT_TIME_SECONDS = 20;
// Long polls re-check this often so messages whose visibility timeout lapses are noticed.
const LONG_POLL_RECHECK_MS = 100;

/** The SQS operations the front door answers, keyed by the name in `X-Amz-Target: AmazonSQS.<name>`. */
export const operations: Readonly<Record<string, Operation>> = {
  CreateQueue(input, { queues }) {
    const name = requiredString(input, 'QueueName');
    const definition = definitionFromAttributes(queues, name, optionalStringMap(input, 'Attributes'));
    return { QueueUrl: queues.createQueue(definition).url };
  },

  GetQueueUrl(input, { queues }) {
    const name = requiredString(input, 'QueueName');
    if (!queues.hasQueue(name)) {
      throw new SqsError('QueueDoesNotExist', `The specified queue does not exist: ${name}`);
    }
    return { QueueUrl: queues.queueUrl(name) };
  },

  ListQueues(input, { queues }) {
    const names = queues.queueNames(optionalString(input, 'QueueNamePrefix') ?? '');
    const maxResults = optionalInteger(input, 'MaxResults');
    const start = Number(optionalString(input, 'NextToken') ?? '0');
    const page = maxResults === undefined ? names.slice(start) : names.slice(start, start + maxResults);
    const next = start + page.length;
    return {
      QueueUrls: page.map((name) => queues.queueUrl(name)),
      ...(maxResults !== undefined && next < names.length ? { NextToken: String(next) } : {}),
    };
  },

  GetQueueAttributes(input, { queues }) {
    const name = queues.queueNameFromUrl(requiredString(input, 'QueueUrl'));
    return { Attributes: readQueueAttributes(queues, name, optionalStringList(input, 'AttributeNames')) };
  },

  SendMessage(input, { queues }) {
    const name = queues.queueNameFromUrl(requiredString(input, 'QueueUrl'));
    return sentToWire(queues, name, input);
  },

  SendMessageBatch(input, { queues }) {
    const name = queues.queueNameFromUrl(requiredString(input, 'QueueUrl'));
    const entries = batchEntries(input);
    const bytes = entries.reduce(
      (sum, entry) => sum + Buffer.byteLength(optionalString(entry, 'MessageBody') ?? ''),
      0,
    );
    if (bytes > MAX_MESSAGE_BYTES) {
      throw new SqsError(
        'BatchRequestTooLong',
        `Batch requests cannot be longer than ${MAX_MESSAGE_BYTES} bytes.`,
      );
    }
    return eachEntry(entries, (entry) => sentToWire(queues, name, entry));
  },

  async ReceiveMessage(input, { queues, signal }) {
    const name = queues.queueNameFromUrl(requiredString(input, 'QueueUrl'));
    const waitTimeSeconds = optionalInteger(input, 'WaitTimeSeconds') ?? 0;
    if (waitTimeSeconds < 0 || waitTimeSeconds > MAX_WAIT_TIME_SECONDS) {
      throw new SqsError(
        'InvalidParameterValue',
        `Value ${waitTimeSeconds} for parameter WaitTimeSeconds is invalid.`,
      );
    }
    const receive = (): ReceivedMessage[] =>
      queues.receive(name, {
        maxNumberOfMessages: optionalInteger(input, 'MaxNumberOfMessages') ?? 1,
        ...optionalVisibility(input),
      });
    // Long polls wait in real time: they are about holding a connection, not about queue time.
    const deadline = Date.now() + waitTimeSeconds * 1000;
    let messages = receive();
    while (messages.length === 0 && Date.now() < deadline && !signal.aborted) {
      await queues.waitForMessages(name, Math.min(LONG_POLL_RECHECK_MS, deadline - Date.now()), signal);
      messages = receive();
    }
    if (messages.length === 0) return {};
    const systemNames = [
      ...optionalStringList(input, 'MessageSystemAttributeNames'),
      ...optionalStringList(input, 'AttributeNames'),
    ];
    const attributeNames = optionalStringList(input, 'MessageAttributeNames');
    return { Messages: messages.map((message) => messageToWire(message, systemNames, attributeNames)) };
  },

  DeleteMessage(input, { queues }) {
    const name = queues.queueNameFromUrl(requiredString(input, 'QueueUrl'));
    queues.deleteMessage(name, requiredString(input, 'ReceiptHandle'));
    return {};
  },

  DeleteMessageBatch(input, { queues }) {
    const name = queues.queueNameFromUrl(requiredString(input, 'QueueUrl'));
    return eachEntry(batchEntries(input), (entry) => {
      queues.deleteMessage(name, requiredString(entry, 'ReceiptHandle'));
      return {};
    });
  },

  ChangeMessageVisibility(input, { queues }) {
    const name = queues.queueNameFromUrl(requiredString(input, 'QueueUrl'));
    queues.changeMessageVisibility(name, requiredString(input, 'ReceiptHandle'), requiredVisibility(input));
    return {};
  },

  ChangeMessageVisibilityBatch(input, { queues }) {
    const name = queues.queueNameFromUrl(requiredString(input, 'QueueUrl'));
    return eachEntry(batchEntries(input), (entry) => {
      queues.changeMessageVisibility(name, requiredString(entry, 'ReceiptHandle'), requiredVisibility(entry));
      return {};
    });
  },

  PurgeQueue(input, { queues }) {
    queues.purge(queues.queueNameFromUrl(requiredString(input, 'QueueUrl')));
    return {};
  },

  StartMessageMoveTask(input, { queues }) {
    const destinationArn = optionalString(input, 'DestinationArn');
    const maxNumberOfMessagesPerSecond = optionalInteger(input, 'MaxNumberOfMessagesPerSecond');
    const task = queues.startMessageMoveTask({
      sourceArn: requiredString(input, 'SourceArn'),
      ...(destinationArn === undefined ? {} : { destinationArn }),
      ...(maxNumberOfMessagesPerSecond === undefined ? {} : { maxNumberOfMessagesPerSecond }),
    });
    return { TaskHandle: task.taskHandle };
  },

  ListMessageMoveTasks(input, { queues }) {
    const maxResults = optionalInteger(input, 'MaxResults') ?? 1;
    if (maxResults < 1 || maxResults > 10) {
      throw new SqsError('InvalidParameterValue', `Value ${maxResults} for parameter MaxResults is invalid.`);
    }
    const tasks = queues.listMessageMoveTasks(requiredString(input, 'SourceArn'), maxResults);
    return {
      // TaskHandle is only listed for running tasks, and local tasks finish as they start.
      Results: tasks.map((task) => ({
        Status: task.status,
        SourceArn: task.sourceArn,
        DestinationArn: task.destinationArn,
        MaxNumberOfMessagesPerSecond: task.maxNumberOfMessagesPerSecond,
        ApproximateNumberOfMessagesMoved: task.approximateNumberOfMessagesMoved,
        ApproximateNumberOfMessagesToMove: task.approximateNumberOfMessagesToMove,
        StartedTimestamp: task.startedTimestamp,
      })),
    };
  },
};

function sentToWire(queues: LocalQueues, name: string, input: JsonObject): JsonObject {
  const delaySeconds = optionalInteger(input, 'DelaySeconds');
  const sent = queues.send(name, {
    body: optionalString(input, 'MessageBody') ?? '',
    messageAttributes: attributesFromWire(optionalObject(input, 'MessageAttributes')),
    ...(delaySeconds === undefined ? {} : { delaySeconds }),
  });
  return {
    MessageId: sent.messageId,
    MD5OfMessageBody: sent.md5OfMessageBody,
    ...(sent.md5OfMessageAttributes === undefined
      ? {}
      : { MD5OfMessageAttributes: sent.md5OfMessageAttributes }),
  };
}

function messageToWire(
  message: ReceivedMessage,
  systemNames: string[],
  attributeNames: string[],
): JsonObject {
  const messageAttributes = selectAttributes(message.messageAttributes, attributeNames);
  // Digest what is returned, so a client checking it against the attributes it got always agrees.
  const attributesDigest = md5OfMessageAttributes(messageAttributes);
  const attributes = systemAttributes(message, systemNames);
  return {
    MessageId: message.messageId,
    ReceiptHandle: message.receiptHandle,
    MD5OfBody: message.md5OfBody,
    Body: message.body,
    ...(Object.keys(attributes).length > 0 ? { Attributes: attributes } : {}),
    ...(attributesDigest === undefined
      ? {}
      : { MD5OfMessageAttributes: attributesDigest, MessageAttributes: attributesToWire(messageAttributes) }),
  };
}

function optionalVisibility(input: JsonObject): { visibilityTimeoutSeconds?: number } {
  const visibilityTimeoutSeconds = optionalInteger(input, 'VisibilityTimeout');
  return visibilityTimeoutSeconds === undefined ? {} : { visibilityTimeoutSeconds };
}

function requiredVisibility(input: JsonObject): number {
  const seconds = optionalInteger(input, 'VisibilityTimeout');
  if (seconds === undefined) {
    throw new SqsError('MissingParameter', 'The request must contain the parameter VisibilityTimeout.');
  }
  return seconds;
}

function batchEntries(input: JsonObject): JsonObject[] {
  const entries = requiredObjectList(input, 'Entries');
  if (entries.length === 0) {
    throw new SqsError(
      'EmptyBatchRequest',
      'There should be at least one SendMessageBatchRequestEntry in the request.',
    );
  }
  if (entries.length > 10) {
    throw new SqsError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are 10. You have sent ${entries.length}.`,
    );
  }
  const ids = new Set<string>();
  for (const entry of entries) {
    const id = optionalString(entry, 'Id') ?? '';
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(id)) {
      throw new SqsError(
        'InvalidBatchEntryId',
        `A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long: ${id}`,
      );
    }
    if (ids.has(id)) throw new SqsError('BatchEntryIdsNotDistinct', `Id ${id} repeated.`);
    ids.add(id);
  }
  return entries;
}

/** Entry failures are reported per entry, as SQS does; only request-level errors fail the call. */
function eachEntry(entries: JsonObject[], apply: (entry: JsonObject) => JsonObject): JsonObject {
  const Successful: JsonObject[] = [];
  const Failed: JsonObject[] = [];
  for (const entry of entries) {
    const Id = requiredString(entry, 'Id');
    try {
      Successful.push({ Id, ...apply(entry) });
    } catch (error) {
      if (!(error instanceof SqsError)) throw error;
      Failed.push({ Id, SenderFault: true, Code: error.type, Message: error.message });
    }
  }
  return { Successful, Failed };
}
