import { describe, expect, it } from 'vitest';
import { findPersonalData } from '#local/simulate/log-privacy.ts';

const DATA = { emails: ['Mara.K@shoppers.example'], names: ['Ana', 'Mara'] };

describe('Function: findPersonalData', () => {
  it('finds an email address in any case and URL-encoded', () => {
    // Prepare
    const lines = [
      '{"message":"sent","to":"mara.k@shoppers.example"}',
      '{"url":"/unsubscribe?e=mara.k%40shoppers.example"}',
    ];

    // Act
    const findings = findPersonalData(lines, DATA);

    // Assess
    expect(findings).toEqual([
      { kind: 'email', line: 0 },
      { kind: 'email', line: 1 },
    ]);
  });

  it('finds names as whole words only', () => {
    // Prepare
    const lines = ['{"firstName":"Ana"}', '{"service":"AnalyticsFunction"}', '{"email":"***"}'];

    // Act
    const findings = findPersonalData(lines, DATA);

    // Assess
    expect(findings).toEqual([{ kind: 'name', line: 0 }]);
  });
});
