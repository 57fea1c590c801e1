import { SESv2Client } from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import {
  type LocalSes,
  type LocalSesOptions,
  type SesEngagementEvent,
  startLocalSes,
} from '#local/ses/local-ses.ts';

export interface LocalSesHarnessOptions extends Pick<LocalSesOptions, 'now' | 'eventDelayMs'> {
  /**
   * Collect the SES events in `published`; this also turns on open and click tracking for mails sent
   * with a configuration set. Without it mails are kept as sent. @default true
   */
  publish?: boolean;
  /**
   * Empty the inbox and `published` before each test. Off for suites whose tests share the mails
   * sent once in their own `beforeAll`. @default true
   */
  clearBeforeEach?: boolean;
}

export interface LocalSesHarness {
  /** The running local SES; only inside tests and hooks registered after the harness. */
  readonly ses: LocalSes;
  /** An SESv2 client pointed at `ses`, as the senders use it. */
  readonly client: SESv2Client;
  /** The SES events published so far, oldest first. */
  readonly published: SesEngagementEvent[];
}

/**
 * The local SES on a free port and an SESv2 client pointed at it, for the suite it is called in (at
 * the top of a file or inside a `describe`): started before its tests and closed after them, since
 * only one local SES may run in a process. Suites that send through the real SDK all need this, so
 * they start, reset and close it the same way.
 */
export function useLocalSes({
  publish = true,
  clearBeforeEach = true,
  ...options
}: LocalSesHarnessOptions = {}): LocalSesHarness {
  let ses: LocalSes | undefined;
  let client: SESv2Client | undefined;
  const published: SesEngagementEvent[] = [];

  beforeAll(async () => {
    ses = await startLocalSes({
      port: 0,
      ...options,
      ...(publish && {
        publish: async (event: SesEngagementEvent) => {
          published.push(event);
        },
      }),
    });
    client = new SESv2Client({
      endpoint: ses.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  afterAll(async () => {
    client?.destroy();
    await ses?.close();
  });

  if (clearBeforeEach) {
    beforeEach(async () => {
      await ses?.clear();
      published.length = 0;
    });
  }

  const started = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`local SES harness: ${name} is read before its beforeAll ran`);
    return value;
  };
  return {
    get ses() {
      return started(ses, 'ses');
    },
    get client() {
      return started(client, 'client');
    },
    get published() {
      return published;
    },
  };
}
