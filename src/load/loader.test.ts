import { describe, expect, it } from 'vitest';
import { decodesInWorker } from './loader.js';

describe('decodesInWorker (auto)', () => {
  it('decodes CSV for a server target in-thread on 2 cores, where a worker would compete with the target', () => {
    expect(decodesInWorker('auto', 'csv', false, 2)).toBe(false);
    expect(decodesInWorker('auto', 'csv', false, 1)).toBe(false);
  });

  it('uses a worker when the main thread inserts, decoding is the slow side, or cores are spare', () => {
    expect(decodesInWorker('auto', 'csv', true, 2)).toBe(true);
    expect(decodesInWorker('auto', 'parquet', false, 2)).toBe(true);
    expect(decodesInWorker('auto', 'json', false, 2)).toBe(true);
    expect(decodesInWorker('auto', 'sql', false, 2)).toBe(true);
    expect(decodesInWorker('auto', 'csv', false, 4)).toBe(true);
  });

  it('does as told when told', () => {
    expect(decodesInWorker(true, 'csv', false, 2)).toBe(true);
    expect(decodesInWorker(false, 'parquet', true, 8)).toBe(false);
  });
});
