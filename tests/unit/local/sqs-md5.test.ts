import { describe, expect, it } from 'vitest';
import { md5OfMessageAttributes } from '#local/sqs/md5.ts';

// Expected digests are the published sample values other SQS clients check against.
describe('Function: md5OfMessageAttributes', () => {
  it('digests string attributes in name order', () => {
    // Prepare
    const attributes = {
      test_attribute_name_2: { dataType: 'String', stringValue: 'test_attribute_value_2' },
      test_attribute_name_1: { dataType: 'String', stringValue: 'test_attribute_value_1' },
    };

    // Act
    const digest = md5OfMessageAttributes(attributes);

    // Assess
    expect(digest).toBe('d53f3b558fe951154770f25cb63dbba9');
  });

  it('digests number and string attributes', () => {
    // Prepare
    const attributes = {
      ordinal: { dataType: 'Number', stringValue: '1' },
      category: { dataType: 'String', stringValue: 'test' },
    };

    // Act
    const digest = md5OfMessageAttributes(attributes);

    // Assess
    expect(digest).toBe('d21ae90c49061e927f57df5f5d72be1f');
  });

  it('digests binary attributes with the binary transport type', () => {
    // Prepare
    const attributes = {
      test_attribute_name: { dataType: 'Binary', binaryValue: Buffer.from('test_attribute_value') },
    };

    // Act
    const digest = md5OfMessageAttributes(attributes);

    // Assess
    expect(digest).toBe('23f6bd27ea87aab7dfeadcc9aebee495');
  });

  it('has no digest without attributes', () => {
    // Prepare
    const attributes = {};

    // Act
    const digest = md5OfMessageAttributes(attributes);

    // Assess
    expect(digest).toBeUndefined();
  });
});
