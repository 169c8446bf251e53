// The controller's and speaker's reconcile queue: one run at a time, the newest input next.
import { describe, expect, it } from '@jest/globals';
import { LatestWins } from '../../src/roles/latest-wins.js';

const gate = () => {
  let open!: () => void;
  const p = new Promise<void>((r) => (open = r));
  return { p, open };
};

describe('LatestWins', () => {
  it('coalesces inputs that arrive during a run into one run of the newest', async () => {
    const seen: number[] = [];
    const first = gate();
    let active = 0;
    let maxActive = 0;
    const q = new LatestWins<number>(async (n) => {
      active++;
      maxActive = Math.max(maxActive, active);
      seen.push(n);
      if (n === 1) await first.p;
      active--;
    }, () => {});
    expect(q.started).toBe(false);
    q.submit(1);
    q.submit(2);
    q.submit(3);
    expect(q.waiting).toBe(true);
    first.open();
    await q.idle();
    expect(seen).toEqual([1, 3]);
    expect(maxActive).toBe(1);
    expect(q.started).toBe(true);
    expect(q.waiting).toBe(false);
  });

  it('a throwing run is reported and the queue goes on; the first pass resolves even then', async () => {
    const errors: unknown[] = [];
    const seen: string[] = [];
    const q = new LatestWins<string>(async (s) => {
      seen.push(s);
      if (s === 'bad') throw new Error('boom');
    }, (e) => errors.push(e));
    q.submit('bad');
    await q.firstPass;
    q.submit('good');
    await q.idle();
    expect(seen).toEqual(['bad', 'good']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['boom']);
  });

  it('drain drops the waiting input and waits for the running one', async () => {
    const seen: number[] = [];
    const g = gate();
    const q = new LatestWins<number>(async (n) => {
      seen.push(n);
      await g.p;
    }, () => {});
    q.submit(1);
    q.submit(2);
    const drained = q.drain();
    g.open();
    await drained;
    expect(seen).toEqual([1]);
    expect(q.waiting).toBe(false);
  });
});
