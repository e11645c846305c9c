import { describe, expect, it } from 'vitest';
import { SqlError } from '../../protocol/sql-error.js';
import { Reservations } from './reservations.js';

/** Settles within the current turn of the event loop, or not at all. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(() => (done = true), () => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
}

describe('Reservations', () => {
  it('gives a task all its connections at once, first come first served', async () => {
    const r = new Reservations(4);
    const a = await r.take(3);
    const b = r.take(2);
    const c = r.take(1);
    // c would fit, but b came first: no task overtakes one that waits for more.
    expect(await settled(b)).toBe(false);
    expect(await settled(c)).toBe(false);
    a();
    a();
    expect(await settled(b)).toBe(true);
    expect(await settled(c)).toBe(true);
    expect(r.state).toEqual({ free: 1, waiting: 0 });
    (await b)();
    (await c)();
    expect(r.state).toEqual({ free: 4, waiting: 0 });
  });

  it('never asks for more than it has', async () => {
    const r = new Reservations(2);
    const all = await r.take(5);
    expect(r.state.free).toBe(0);
    all();
    expect(r.state.free).toBe(2);
  });

  it('gives some back early and the rest later, never more than it took, and lets a waiter in', async () => {
    const r = new Reservations(4);
    const task = await r.take(3);
    const waiter = r.take(2);
    expect(await settled(waiter)).toBe(false);
    task(2);
    expect(await settled(waiter)).toBe(true);
    expect(r.state.free).toBe(1);
    task();
    task();
    task(5);
    expect(r.state.free).toBe(2);
    (await waiter)();
    expect(r.state).toEqual({ free: 4, waiting: 0 });
  });

  it('stops waiting when aborted, with the abort\'s error, and lets those behind it in', async () => {
    const r = new Reservations(3);
    const held = await r.take(2);
    const ac = new AbortController();
    const big = r.take(3, ac.signal);
    const small = r.take(1);
    expect(await settled(small)).toBe(false);
    ac.abort(new SqlError('ER_QUERY_INTERRUPTED', 'cancelled by the user'));
    await expect(big).rejects.toMatchObject({ errno: 1317, message: 'cancelled by the user' });
    expect(await settled(small)).toBe(true);
    held();
    (await small)();
    expect(r.state).toEqual({ free: 3, waiting: 0 });
    await expect(r.take(1, ac.signal)).rejects.toMatchObject({ errno: 1317 });
  });
});
