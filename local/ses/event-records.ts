import { assertUnreachable } from '#shared/errors.ts';
import { addressOf } from './mailbox-simulator.ts';

// Shapes follow the event records of the SES Developer Guide ("Examples of event data that Amazon SES
// publishes to Amazon SNS"); on EventBridge the record is the event's `detail`.

export interface SesMailHeader {
  name: string;
  value: string;
}

export interface SesCommonHeaders {
  from: string[];
  to?: string[];
  cc?: string[];
  replyTo?: string[];
  messageId: string;
  subject: string;
}

/** The `mail` object every event record carries. */
export interface SesMail {
  timestamp: string;
  source: string;
  sourceArn: string;
  sendingAccountId: string;
  messageId: string;
  destination: string[];
  headersTruncated: boolean;
  headers: SesMailHeader[];
  commonHeaders: SesCommonHeaders;
  /** `ses:*` tags SES adds, then the message's EmailTags; every value is a list. */
  tags: Record<string, string[]>;
}

export interface SesDelivery {
  timestamp: string;
  processingTimeMillis: number;
  recipients: string[];
  smtpResponse: string;
  remoteMtaIp: string;
  reportingMTA: string;
}

export interface SesBounce {
  bounceType: 'Permanent';
  bounceSubType: 'General' | 'OnAccountSuppressionList';
  bouncedRecipients: Array<{
    emailAddress: string;
    action: 'failed';
    status: string;
    diagnosticCode: string;
  }>;
  timestamp: string;
  feedbackId: string;
  reportingMTA: string;
}

export interface SesComplaint {
  complainedRecipients: Array<{ emailAddress: string }>;
  timestamp: string;
  feedbackId: string;
  userAgent: string;
  complaintFeedbackType: 'abuse';
  arrivalDate: string;
}

export interface SesOpen {
  timestamp: string;
  userAgent: string;
  ipAddress: string;
}

export interface SesClick {
  timestamp: string;
  ipAddress: string;
  userAgent: string;
  link: string;
  linkTags: Record<string, string[]>;
}

export type SesEventRecord =
  | { eventType: 'Send'; mail: SesMail; send: Record<string, never> }
  | { eventType: 'Delivery'; mail: SesMail; delivery: SesDelivery }
  | { eventType: 'Bounce'; mail: SesMail; bounce: SesBounce }
  | { eventType: 'Complaint'; mail: SesMail; complaint: SesComplaint }
  | { eventType: 'Open'; mail: SesMail; open: SesOpen }
  | { eventType: 'Click'; mail: SesMail; click: SesClick };

export type SesDetailType =
  | 'Email Sent'
  | 'Email Delivered'
  | 'Email Bounced'
  | 'Email Complaint Received'
  | 'Email Opened'
  | 'Email Clicked';

/** One event as SES puts it on the default bus. */
export interface SesEngagementEvent {
  source: 'aws.ses';
  detailType: SesDetailType;
  detail: SesEventRecord;
  time: Date;
  /** The configuration set's ARN. */
  resources: string[];
}

/** A mail SendEmail accepted, with what SES knows about its sending. */
export interface AcceptedMail {
  messageId: string;
  sentAt: Date;
  from: string;
  to: string[];
  cc: string[];
  bcc: string[];
  replyTo: string[];
  subject: string;
  hasHtml: boolean;
  hasText: boolean;
  /** Headers of Simple or Template content (List-Unsubscribe…). */
  customHeaders: SesMailHeader[];
  emailTags: Record<string, string>;
  configurationSetName: string;
  account: string;
  region: string;
  /** Where the SendEmail call came from (`ses:source-ip`). */
  sourceIp: string;
  /** Who signed it (`ses:caller-identity`). */
  callerIdentity: string;
  /** FromEmailAddressIdentityArn of the request, if it named one. */
  fromIdentityArn?: string;
}

/** What happened to the mail, as input to its event record. */
export type Engagement =
  | { eventType: 'Send'; at: Date }
  | { eventType: 'Delivery'; at: Date; recipients: string[] }
  | {
      eventType: 'Bounce';
      at: Date;
      subType: SesBounce['bounceSubType'];
      recipients: string[];
      feedbackId: string;
    }
  | { eventType: 'Complaint'; at: Date; recipients: string[]; feedbackId: string }
  | { eventType: 'Open'; at: Date; ipAddress: string; userAgent: string }
  | {
      eventType: 'Click';
      at: Date;
      ipAddress: string;
      userAgent: string;
      link: string;
      linkTags: Record<string, string[]>;
    };

/** The loopback stands in for SES's MTAs and the recipients' mail servers. */
const LOCAL_MTA = 'localhost';
const LOCAL_IP = '127.0.0.1';

export function sesMail(accepted: AcceptedMail): SesMail {
  const fromDomain = addressOf(accepted.from).split('@')[1] ?? '';
  const headers: SesMailHeader[] = [
    { name: 'From', value: accepted.from },
    ...headerOf('Reply-To', accepted.replyTo),
    ...headerOf('To', accepted.to),
    ...headerOf('Cc', accepted.cc),
    { name: 'Subject', value: accepted.subject },
    { name: 'MIME-Version', value: '1.0' },
    { name: 'Content-Type', value: contentType(accepted) },
    ...accepted.customHeaders,
  ];
  return {
    timestamp: accepted.sentAt.toISOString(),
    source: accepted.from,
    sourceArn:
      accepted.fromIdentityArn ?? `arn:aws:ses:${accepted.region}:${accepted.account}:identity/${fromDomain}`,
    sendingAccountId: accepted.account,
    messageId: accepted.messageId,
    destination: [...accepted.to, ...accepted.cc, ...accepted.bcc],
    headersTruncated: false,
    headers,
    commonHeaders: {
      from: [accepted.from],
      ...(accepted.to.length > 0 && { to: accepted.to }),
      ...(accepted.cc.length > 0 && { cc: accepted.cc }),
      ...(accepted.replyTo.length > 0 && { replyTo: accepted.replyTo }),
      messageId: accepted.messageId,
      subject: accepted.subject,
    },
    tags: {
      'ses:configuration-set': [accepted.configurationSetName],
      'ses:source-ip': [accepted.sourceIp],
      'ses:from-domain': [fromDomain],
      'ses:caller-identity': [accepted.callerIdentity],
      ...Object.fromEntries(Object.entries(accepted.emailTags).map(([name, value]) => [name, [value]])),
    },
  };
}

/** The EventBridge event SES publishes for one engagement with the mail. */
export function engagementEvent(
  mail: SesMail,
  engagement: Engagement,
  configurationSetArn: string,
): SesEngagementEvent {
  const timestamp = engagement.at.toISOString();
  const event = (detailType: SesDetailType, detail: SesEventRecord): SesEngagementEvent => ({
    source: 'aws.ses',
    detailType,
    detail,
    time: engagement.at,
    resources: [configurationSetArn],
  });
  switch (engagement.eventType) {
    case 'Send':
      return event('Email Sent', { eventType: 'Send', mail, send: {} });
    case 'Delivery':
      return event('Email Delivered', {
        eventType: 'Delivery',
        // SES reports the address it delivered from with the delivery.
        mail: { ...mail, tags: { ...mail.tags, 'ses:outgoing-ip': [LOCAL_IP] } },
        delivery: {
          timestamp,
          processingTimeMillis: Math.max(0, engagement.at.getTime() - Date.parse(mail.timestamp)),
          recipients: engagement.recipients,
          smtpResponse: '250 2.6.0 Message received',
          remoteMtaIp: LOCAL_IP,
          reportingMTA: LOCAL_MTA,
        },
      });
    case 'Bounce':
      return event('Email Bounced', {
        eventType: 'Bounce',
        mail,
        bounce: bounceOf(engagement.subType, engagement.recipients, timestamp, engagement.feedbackId),
      });
    case 'Complaint':
      return event('Email Complaint Received', {
        eventType: 'Complaint',
        mail,
        complaint: {
          complainedRecipients: engagement.recipients.map((emailAddress) => ({ emailAddress })),
          timestamp,
          feedbackId: engagement.feedbackId,
          userAgent: 'Amazon SES Mailbox Simulator',
          complaintFeedbackType: 'abuse',
          arrivalDate: timestamp,
        },
      });
    case 'Open':
      return event('Email Opened', {
        eventType: 'Open',
        mail,
        open: { timestamp, userAgent: engagement.userAgent, ipAddress: engagement.ipAddress },
      });
    case 'Click':
      return event('Email Clicked', {
        eventType: 'Click',
        mail,
        click: {
          timestamp,
          ipAddress: engagement.ipAddress,
          userAgent: engagement.userAgent,
          link: engagement.link,
          linkTags: engagement.linkTags,
        },
      });
    default:
      return assertUnreachable(engagement);
  }
}

function bounceOf(
  subType: SesBounce['bounceSubType'],
  recipients: string[],
  timestamp: string,
  feedbackId: string,
): SesBounce {
  // The general bounce is the unknown mailbox of SES's example record; the suppressed one paraphrases SES.
  const suppressed = subType === 'OnAccountSuppressionList';
  return {
    bounceType: 'Permanent',
    bounceSubType: subType,
    bouncedRecipients: recipients.map((emailAddress) => ({
      emailAddress,
      action: 'failed',
      status: '5.1.1',
      diagnosticCode: suppressed
        ? 'Amazon SES did not send the message to this address because it is on the suppression list for your account.'
        : 'smtp; 550 5.1.1 user unknown',
    })),
    timestamp,
    feedbackId,
    reportingMTA: suppressed ? 'dns; amazonses.com' : `dsn; ${LOCAL_MTA}`,
  };
}

function headerOf(name: string, values: string[]): SesMailHeader[] {
  return values.length === 0 ? [] : [{ name, value: values.join(', ') }];
}

function contentType(mail: AcceptedMail): string {
  if (mail.hasHtml && mail.hasText) return `multipart/alternative; boundary="----=_Part_${mail.messageId}"`;
  return mail.hasHtml ? 'text/html; charset=UTF-8' : 'text/plain; charset=UTF-8';
}
