// Numbers in text fields, for writers that bind values (StagedRows.appendValues).

import { NUMERIC_REAL } from '../targets/bulk-writer.js';

/**
 * text[start, end) as a number when it is a plain decimal (-?digits[.digits], no leading zeros, at
 * most 15 digits, so the double is exact), else the text. Binding numbers spares SQLite its
 * text-to-number conversion: in the embedded write bench, numeric columns bound as numbers insert
 * ≈ 1.3× faster than the same values as text.
 */
export function plainNumber(text: string, start: number, end: number, kind: number): string | number {
  let i = start;
  const negative = text.charCodeAt(i) === 45; // '-'
  if (negative) i++;
  let value = 0;
  let digits = 0;
  const intStart = i;
  for (; i < end; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    value = value * 10 + c;
    digits++;
  }
  const plain = digits > 0 && digits <= 15 && !(digits > 1 && text.charCodeAt(intStart) === 48);
  if (plain && i === end) return negative ? (value === 0 ? 0 : -value) : value;
  if (!plain || kind !== NUMERIC_REAL || text.charCodeAt(i) !== 46 /* '.' */ || i + 1 === end) return text.slice(start, end);
  for (i++; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57 || ++digits > 15) return text.slice(start, end);
  }
  return Number(text.slice(start, end));
}
