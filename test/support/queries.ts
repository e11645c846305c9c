// Small helpers the job tests share: rows of a query as plain objects, and polling until a
// background job reaches a state.

import type mysql from 'mysql2/promise';

export type Row = Record<string, unknown>;

export async function q(c: mysql.Connection, sql: string): Promise<Row[]> {
  const [rows] = await c.query(sql);
  return rows as Row[];
}

export async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
