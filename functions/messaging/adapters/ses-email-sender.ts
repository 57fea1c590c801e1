import { type SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { EmailSender, OutgoingEmail } from '../domain/ports.ts';
import { SendThrottledError } from '../errors.ts';

/**
 * SES v2 `SendEmail` with simple content, so custom headers (List-Unsubscribe…) are kept, the
 * configuration set (event destinations, suppression) and message tags for engagement metrics.
 */
export class SesEmailSender implements EmailSender {
  constructor(
    private readonly client: SESv2Client,
    private readonly configurationSetName: string,
  ) {}

  async send(email: OutgoingEmail): Promise<{ messageId: string }> {
    const { MessageId } = await this.sendEmail(email);
    if (MessageId === undefined) throw new Error('SES accepted the mail without a message id');
    return { messageId: MessageId };
  }

  /** SES's throttling (after the SDK's own retries) becomes `SendThrottledError`; anything else is thrown as is. */
  private async sendEmail(email: OutgoingEmail) {
    try {
      return await this.sendCommand(email);
    } catch (error) {
      const { name, message } = error as { name?: string; message?: string };
      if (name !== undefined && THROTTLING_ERRORS.has(name)) {
        const daily = /daily/i.test(message ?? '');
        throw new SendThrottledError(`SES throttled the mail: ${message ?? name}`, daily ? 'daily' : 'rate');
      }
      throw error;
    }
  }

  private sendCommand(email: OutgoingEmail) {
    return this.client.send(
      new SendEmailCommand({
        FromEmailAddress: `${quoteDisplayName(email.from.name)} <${email.from.address}>`,
        Destination: { ToAddresses: [email.to] },
        ConfigurationSetName: this.configurationSetName,
        EmailTags: Object.entries(email.tags).map(([Name, Value]) => ({ Name, Value: tagValue(Value) })),
        Content: {
          Simple: {
            Subject: { Data: email.subject, Charset: 'UTF-8' },
            Body: {
              Html: { Data: email.html, Charset: 'UTF-8' },
              Text: { Data: email.text, Charset: 'UTF-8' },
            },
            Headers: Object.entries(email.headers).map(([Name, Value]) => ({ Name, Value })),
          },
        },
      }),
    );
  }
}

/**
 * What SES answers when the account's maximum sending rate or daily quota is reached: v2's
 * `TooManyRequestsException`, and `Throttling` / `ThrottlingException` as the SES documentation
 * names it ("Maximum sending rate exceeded", "Daily message quota exceeded").
 */
const THROTTLING_ERRORS = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling']);

/** RFC 5322 display names with specials are quoted; non-ASCII is encoded (RFC 2047) as SES expects. */
function quoteDisplayName(name: string): string {
  if (/[^\x20-\x7e]/.test(name)) return `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?=`;
  return `"${name.replace(/["\\]/g, '\\$&')}"`;
}

/**
 * SES v2 message tag values may hold only ASCII letters, digits, `_` and `-`, at most 256 characters (the
 * API reference's `MessageTag`), so a template name such as `welcome.welcome` goes as `welcome_welcome`.
 * What has to survive exactly, the mail's slot, travels base64url-encoded and passes unchanged.
 */
function tagValue(value: string): string {
  return value.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 256);
}
