import { describe, expect, it } from 'vitest';
import { NUMERIC_INTEGER, NUMERIC_REAL } from '../targets/bulk-writer.js';
import { plainNumber } from './plain-number.js';

const int = (s: string): string | number => plainNumber(`,${s},`, 1, s.length + 1, NUMERIC_INTEGER);
const real = (s: string): string | number => plainNumber(`,${s},`, 1, s.length + 1, NUMERIC_REAL);

describe('plainNumber', () => {
  it('turns plain decimal integers of up to 15 digits into numbers', () => {
    expect(int('0')).toBe(0);
    expect(int('42')).toBe(42);
    expect(int('-42')).toBe(-42);
    expect(int('999999999999999')).toBe(999_999_999_999_999);
    expect(Object.is(int('-0'), 0)).toBe(true);
  });

  it('leaves everything else as text, for the target to convert or refuse by its own rules', () => {
    for (const s of ['', '-', '007', '1234567890123456', '12.5', '1e3', ' 1', '1 ', '+1', '0x10', '１２', 'abc', '12abc']) expect(int(s)).toBe(s);
  });

  it('turns plain decimals into the double JavaScript parses, exactly when 15 digits or fewer', () => {
    expect(real('12.50')).toBe(12.5);
    expect(real('-0.1')).toBe(-0.1);
    expect(real('3')).toBe(3);
    expect(real('12345678901234.5')).toBe(12345678901234.5);
    for (const s of ['1.', '.5', '1.2.3', '1e5', '01.5', '1234567890123.456', 'NaN', 'Infinity', '1,5']) expect(real(s)).toBe(s);
  });
});
