import { describe, expect, it } from 'vitest';
import { StatementCache } from './statement-cache.js';

describe('StatementCache', () => {
  it('hands out the same tree for the same text and keeps a statement in use while thousands of others pass', () => {
    const cache = new StatementCache();
    const hot = cache.parse('SELECT 1');
    for (let i = 0; i < 10_000; i++) {
      cache.parse(`SELECT ${i + 2}`);
      expect(cache.parse('SELECT 1')).toBe(hot);
    }
    expect(cache.size).toBeLessThanOrEqual(2048);
    expect(cache.size).toBeGreaterThan(1000);
  });

  it('forgets statements not used for a while, and parses them again', () => {
    const cache = new StatementCache();
    const cold = cache.parse('SELECT 42');
    for (let i = 0; i < 5_000; i++) cache.parse(`SELECT ${i + 100}`);
    const again = cache.parse('SELECT 42');
    expect(again).not.toBe(cold);
    expect(again).toEqual(cold);
  });

  it('splits multi-statement texts and caches the split', () => {
    const cache = new StatementCache();
    expect(cache.split('SELECT 1; SELECT 2')).toEqual(['SELECT 1', 'SELECT 2']);
    expect(cache.split('SELECT 1; SELECT 2')).toBe(cache.split('SELECT 1; SELECT 2'));
  });

  it('does not keep a statement that failed to parse', () => {
    const cache = new StatementCache();
    expect(() => cache.parse('SELECT 1 +')).toThrow(/syntax/);
    expect(cache.size).toBe(0);
  });
});
