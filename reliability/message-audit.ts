import { type DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalSesMessage } from '#local/ses/local-ses.ts';

export interface MessageAudit {
  /** Mails the local SES accepted. */
  mails: number;
  /** Distinct (store, journey, subject, step) slots that got a mail. */
  slots: number;
  /** Mails beyond the first in their slot: each one a customer mailed twice. */
  extraMails: number;
  /** Slots marked sent under more than one customer key. */
  slotsSentTwice: number;
  /** Mails the messages table has no record of (sent but never marked sent). */
  unrecordedMails: number;
  /** A few of the repeated slots, to start from when one shows up. */
  examples: string[];
}

interface MessageItem {
  pk: string;
  sk: string;
  storeId?: string;
  messageKey?: string;
  status?: string;
}

/**
 * "At most one message per (journey, subject, step)", checked twice: each mail SES accepted is led
 * back to its slot through the `SESMESSAGE#<id>` record, and each slot may be marked sent once.
 */
export async function auditMessages(
  mails: readonly LocalSesMessage[],
  documents: DynamoDBDocumentClient,
  messagesTable: string,
): Promise<MessageAudit> {
  const bySesId = new Map<string, MessageItem>();
  const sentSlots = new Map<string, number>();
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({ TableName: messagesTable, ExclusiveStartKey: start }),
    );
    for (const item of (page.Items ?? []) as MessageItem[]) {
      if (item.pk.startsWith('SESMESSAGE#')) bySesId.set(item.pk.slice('SESMESSAGE#'.length), item);
      if (item.pk.startsWith('CUSTOMER#') && item.sk.startsWith('MESSAGE#') && item.status === 'sent') {
        const slot = `${item.pk.split('#')[1]}:${item.sk.slice('MESSAGE#'.length)}`;
        sentSlots.set(slot, (sentSlots.get(slot) ?? 0) + 1);
      }
    }
    start = page.LastEvaluatedKey;
  } while (start !== undefined);

  const mailsPerSlot = new Map<string, number>();
  let unrecordedMails = 0;
  for (const mail of mails) {
    const record = bySesId.get(mail.messageId);
    if (record?.messageKey === undefined || record.storeId === undefined) {
      unrecordedMails += 1;
      continue;
    }
    const slot = `${record.storeId}:${record.messageKey}`;
    mailsPerSlot.set(slot, (mailsPerSlot.get(slot) ?? 0) + 1);
  }
  const repeated = [...mailsPerSlot].filter(([, count]) => count > 1);
  const sentTwice = [...sentSlots].filter(([, count]) => count > 1);
  return {
    mails: mails.length,
    slots: mailsPerSlot.size,
    extraMails: repeated.reduce((sum, [, count]) => sum + count - 1, 0),
    slotsSentTwice: sentTwice.length,
    unrecordedMails,
    examples: [...repeated, ...sentTwice].slice(0, 5).map(([slot, count]) => `${slot} ×${count}`),
  };
}
