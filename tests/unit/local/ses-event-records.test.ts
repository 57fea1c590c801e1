import { describe, expect, it } from 'vitest';
import { type AcceptedMail, engagementEvent, sesMail } from '#local/ses/event-records.ts';

const CONFIGURATION_SET_ARN = 'arn:aws:ses:us-east-1:000000000000:configuration-set/storefront-journeys';

function accepted(overrides: Partial<AcceptedMail> = {}): AcceptedMail {
  return {
    messageId: 'ses-123456789',
    sentAt: new Date('2030-03-01T09:00:00.000Z'),
    from: '"Demo Store" <hello@demo-store.example>',
    to: ['ada@example.com'],
    cc: [],
    bcc: [],
    replyTo: [],
    subject: 'You left something in your cart',
    hasHtml: true,
    hasText: true,
    customHeaders: [{ name: 'List-Unsubscribe', value: '<https://api.example/unsubscribe?t=1>' }],
    emailTags: { journey: 'cart-abandonment', step: 'reminder-1', variant: 'a', store: 'demo' },
    configurationSetName: 'storefront-journeys',
    account: '000000000000',
    region: 'us-east-1',
    sourceIp: '127.0.0.1',
    callerIdentity: 'local',
    ...overrides,
  };
}

describe('Function: sesMail', () => {
  it('describes the mail like the mail object of SES event records', () => {
    // Prepare
    const mail = accepted();

    // Act
    const record = sesMail(mail);

    // Assess
    expect(record).toEqual({
      timestamp: '2030-03-01T09:00:00.000Z',
      source: '"Demo Store" <hello@demo-store.example>',
      sourceArn: 'arn:aws:ses:us-east-1:000000000000:identity/demo-store.example',
      sendingAccountId: '000000000000',
      messageId: 'ses-123456789',
      destination: ['ada@example.com'],
      headersTruncated: false,
      headers: [
        { name: 'From', value: '"Demo Store" <hello@demo-store.example>' },
        { name: 'To', value: 'ada@example.com' },
        { name: 'Subject', value: 'You left something in your cart' },
        { name: 'MIME-Version', value: '1.0' },
        { name: 'Content-Type', value: 'multipart/alternative; boundary="----=_Part_ses-123456789"' },
        { name: 'List-Unsubscribe', value: '<https://api.example/unsubscribe?t=1>' },
      ],
      commonHeaders: {
        from: ['"Demo Store" <hello@demo-store.example>'],
        to: ['ada@example.com'],
        messageId: 'ses-123456789',
        subject: 'You left something in your cart',
      },
      tags: {
        'ses:configuration-set': ['storefront-journeys'],
        'ses:source-ip': ['127.0.0.1'],
        'ses:from-domain': ['demo-store.example'],
        'ses:caller-identity': ['local'],
        journey: ['cart-abandonment'],
        step: ['reminder-1'],
        variant: ['a'],
        store: ['demo'],
      },
    });
  });

  it('lists every recipient as destination and names the sending identity when the request did', () => {
    // Prepare
    const mail = accepted({
      to: ['ada@example.com'],
      cc: ['ben@example.com'],
      bcc: ['audit@example.com'],
      replyTo: ['support@demo-store.example'],
      hasText: false,
      fromIdentityArn: 'arn:aws:ses:us-east-1:000000000000:identity/hello@demo-store.example',
    });

    // Act
    const record = sesMail(mail);

    // Assess
    expect(record.destination).toEqual(['ada@example.com', 'ben@example.com', 'audit@example.com']);
    expect(record.sourceArn).toBe('arn:aws:ses:us-east-1:000000000000:identity/hello@demo-store.example');
    expect(record.commonHeaders).toMatchObject({
      cc: ['ben@example.com'],
      replyTo: ['support@demo-store.example'],
    });
    expect(record.headers.map((header) => header.name)).not.toContain('Bcc');
    expect(record.headers).toContainEqual({ name: 'Content-Type', value: 'text/html; charset=UTF-8' });
  });
});

describe('Function: engagementEvent', () => {
  const mail = sesMail(accepted());

  it('publishes a send as "Email Sent" with an empty send object', () => {
    // Prepare
    const at = new Date('2030-03-01T09:00:00.000Z');

    // Act
    const event = engagementEvent(mail, { eventType: 'Send', at }, CONFIGURATION_SET_ARN);

    // Assess
    expect(event).toEqual({
      source: 'aws.ses',
      detailType: 'Email Sent',
      detail: { eventType: 'Send', mail, send: {} },
      time: at,
      resources: [CONFIGURATION_SET_ARN],
    });
  });

  it('publishes a delivery with its processing time and the outgoing address tag', () => {
    // Prepare
    const at = new Date('2030-03-01T09:00:01.250Z');

    // Act
    const event = engagementEvent(
      mail,
      { eventType: 'Delivery', at, recipients: ['ada@example.com'] },
      CONFIGURATION_SET_ARN,
    );

    // Assess
    expect(event.detailType).toBe('Email Delivered');
    expect(event.detail).toMatchObject({
      eventType: 'Delivery',
      mail: {
        messageId: 'ses-123456789',
        tags: { 'ses:outgoing-ip': ['127.0.0.1'], journey: ['cart-abandonment'] },
      },
      delivery: {
        timestamp: '2030-03-01T09:00:01.250Z',
        processingTimeMillis: 1250,
        recipients: ['ada@example.com'],
        smtpResponse: '250 2.6.0 Message received',
      },
    });
  });

  it('publishes bounces as permanent with their sub-type', () => {
    // Prepare
    const at = new Date('2030-03-01T09:00:02.000Z');

    // Act
    const [general, suppressed] = (['General', 'OnAccountSuppressionList'] as const).map((subType) =>
      engagementEvent(
        mail,
        {
          eventType: 'Bounce',
          at,
          subType,
          recipients: ['bounce@simulator.amazonses.com'],
          feedbackId: 'f-1',
        },
        CONFIGURATION_SET_ARN,
      ),
    );

    // Assess
    expect(general?.detailType).toBe('Email Bounced');
    expect(general?.detail).toMatchObject({
      eventType: 'Bounce',
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [
          {
            emailAddress: 'bounce@simulator.amazonses.com',
            action: 'failed',
            status: '5.1.1',
            diagnosticCode: 'smtp; 550 5.1.1 user unknown',
          },
        ],
        timestamp: '2030-03-01T09:00:02.000Z',
        feedbackId: 'f-1',
      },
    });
    expect(suppressed?.detail).toMatchObject({
      bounce: { bounceType: 'Permanent', bounceSubType: 'OnAccountSuppressionList' },
    });
  });

  it('publishes a complaint as an abuse report', () => {
    // Prepare
    const at = new Date('2030-03-01T09:00:03.000Z');

    // Act
    const event = engagementEvent(
      mail,
      { eventType: 'Complaint', at, recipients: ['complaint@simulator.amazonses.com'], feedbackId: 'f-2' },
      CONFIGURATION_SET_ARN,
    );

    // Assess
    expect(event.detailType).toBe('Email Complaint Received');
    expect(event.detail).toMatchObject({
      eventType: 'Complaint',
      complaint: {
        complainedRecipients: [{ emailAddress: 'complaint@simulator.amazonses.com' }],
        complaintFeedbackType: 'abuse',
        timestamp: '2030-03-01T09:00:03.000Z',
        feedbackId: 'f-2',
      },
    });
  });

  it('publishes opens and clicks with who made them', () => {
    // Prepare
    const at = new Date('2030-03-02T18:30:00.000Z');
    const visitor = { ipAddress: '127.0.0.1', userAgent: 'Mail/1.0' };

    // Act
    const open = engagementEvent(mail, { eventType: 'Open', at, ...visitor }, CONFIGURATION_SET_ARN);
    const click = engagementEvent(
      mail,
      {
        eventType: 'Click',
        at,
        ...visitor,
        link: 'https://shop.example/cart',
        linkTags: { position: ['hero'] },
      },
      CONFIGURATION_SET_ARN,
    );

    // Assess
    expect([open.detailType, click.detailType]).toEqual(['Email Opened', 'Email Clicked']);
    expect(open.detail).toEqual({
      eventType: 'Open',
      mail,
      open: { timestamp: '2030-03-02T18:30:00.000Z', userAgent: 'Mail/1.0', ipAddress: '127.0.0.1' },
    });
    expect(click.detail).toEqual({
      eventType: 'Click',
      mail,
      click: {
        timestamp: '2030-03-02T18:30:00.000Z',
        ipAddress: '127.0.0.1',
        userAgent: 'Mail/1.0',
        link: 'https://shop.example/cart',
        linkTags: { position: ['hero'] },
      },
    });
  });
});
