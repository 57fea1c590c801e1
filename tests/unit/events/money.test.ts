import { describe, expect, it } from 'vitest';
import { addAmounts, decimalFromNumber, fromMinorUnits, toMinorUnits } from '#events/money.ts';

describe('Function: toMinorUnits', () => {
  it('converts decimal strings exactly, with the currency’s digits', () => {
    // Act + Assess
    expect(toMinorUnits('27.5', 'USD')).toBe(2750n);
    expect(toMinorUnits('-0.01', 'EUR')).toBe(-1n);
    expect(toMinorUnits('1000', 'JPY')).toBe(1000n);
    expect(toMinorUnits('1.234', 'KWD')).toBe(1234n);
    expect(toMinorUnits('90071992547409.93', 'USD')).toBe(9007199254740993n);
  });

  it('fails for more digits than the currency has, and for non-decimals', () => {
    // Act + Assess
    expect(() => toMinorUnits('19.999', 'USD')).toThrow('19.999 has more than 2 decimal places for USD');
    expect(() => toMinorUnits('5.5', 'JPY')).toThrow(/JPY/);
    expect(() => toMinorUnits('1e3', 'USD')).toThrow(/not a decimal/);
  });
});

describe('Function: addAmounts', () => {
  it('adds without floating-point error', () => {
    // Act + Assess
    expect(addAmounts('0.1', '0.2', 'USD')).toBe('0.30');
    expect(fromMinorUnits(-5n, 'USD')).toBe('-0.05');
  });
});

describe('Function: decimalFromNumber', () => {
  it('keeps the literal a JSON number was written as', () => {
    // Act + Assess
    expect(decimalFromNumber(27.5)).toBe('27.5');
    expect(decimalFromNumber(0.1)).toBe('0.1');
    expect(decimalFromNumber(1e-7)).toBe('0.0000001');
    expect(() => decimalFromNumber(Number.NaN)).toThrow();
  });
});
