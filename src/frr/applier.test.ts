import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { ad, intent, neighbor, range, router } from '../../test/golden/frr/scenarios.js';
import type { NodeBGPIntent } from '../bgp/types.js';
import { createLogger } from '../util/log.js';
import { FrrApplier } from './applier.js';
import { render } from './frr-conf.js';
import { VtyshError, type VtyshRunner } from './vtysh.js';

/** A vtysh stand-in: records each configure batch, answers show running-config with a given text. */
class FakeVtysh implements VtyshRunner {
  batches: string[][] = [];
  shows = 0;
  running = '';
  failNext = 0;
  async configure(commands: string[]): Promise<void> {
    if (this.failNext > 0) {
      this.failNext--;
      throw new VtyshError('vtysh exit 1 at "neighbor 198.51.100.1 password <retracted>": % oops', '% oops', 1);
    }
    this.batches.push(commands);
  }
  async show(command: string): Promise<string> {
    if (command === 'show running-config') this.shows++;
    return this.running;
  }
  async showJSON<T>(): Promise<T> {
    return {} as T;
  }
}

function services(n: number, password = ''): NodeBGPIntent {
  return intent([
    router({
      poolRanges: [range('192.0.2.0/24', [32])],
      neighbors: [neighbor({ address: '198.51.100.1', password, advertisements: Array.from({ length: n }, (_, i) => ad(`192.0.2.${i + 1}/32`)) })],
    }),
  ]);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('FrrApplier', () => {
  it('starts with a full apply from the running config, then goes incremental', async () => {
    const v = new FakeVtysh();
    const a = new FrrApplier({ vtysh: v, stateProbe: async () => 'pids-1', debounceMs: 20 });
    a.update(services(1));
    await a.idle();
    expect(a.lastApply?.mode).toBe('full');
    expect(v.shows).toBe(1);
    expect(v.batches[0]).toContain('network 192.0.2.1/32');
    expect(v.batches[0]).toContain('neighbor 198.51.100.1 remote-as 64513');

    await sleep(30);
    a.update(services(2));
    await a.idle();
    expect(a.lastApply?.mode).toBe('incremental');
    expect(v.batches[1]).toEqual(['router bgp 64512', 'address-family ipv4 unicast', 'network 192.0.2.2/32', 'exit-address-family', 'exit']);
    a.stop();
  });

  it('applies the first change after a quiet period at once and coalesces a burst, newest wins', async () => {
    const v = new FakeVtysh();
    const a = new FrrApplier({ vtysh: v, stateProbe: async () => 'p', debounceMs: 300 });
    a.update(services(1));
    expect(a.state).toBe('applying'); // leading edge: no timer before the first apply
    await a.idle();
    await sleep(350);
    a.update(services(2));
    expect(a.state).toBe('applying'); // quiet for longer than the window: at once again
    await a.idle();
    a.update(services(3));
    expect(a.state).toBe('waiting'); // inside the window: coalesced
    for (let n = 4; n <= 12; n++) a.update(services(n));
    await a.idle();
    expect(v.batches.length).toBe(3); // full, leading edge, one coalesced batch
    expect(v.batches[2].filter((c) => c.startsWith('network '))).toHaveLength(10);
    expect(a.lastApplied).toEqual(services(12));
    a.stop();
  });

  it('retries a failed apply with backoff as a full apply of the newest intent, passwords redacted', async () => {
    const v = new FakeVtysh();
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _e, cb) {
        lines.push(String(chunk));
        cb();
      },
    });
    const a = new FrrApplier({ vtysh: v, stateProbe: async () => 'p', debounceMs: 5, retryBaseMs: 30, logger: createLogger('info', sink) });
    a.update(services(1, 'topsecret'));
    await a.idle();
    await sleep(10);
    v.failNext = 2;
    a.update(services(2, 'topsecret'));
    await a.idle();
    expect(a.lastError).toBeInstanceOf(VtyshError);
    a.update(services(3, 'topsecret')); // arrives while the retry is pending
    // 30 ms, then 60 ms backoff (polled: the host may be busy)
    for (let i = 0; i < 100 && (a.lastError); i++) {
      await sleep(30);
      await a.idle();
      if (!a.lastError) break;
    }
    expect(a.lastError).toBeUndefined();
    expect(a.lastApplied).toEqual(services(3, 'topsecret'));
    expect(a.lastApply?.mode).toBe('full');
    expect(v.shows).toBe(3); // the start, then each attempt after a failure reads the running config
    expect(await a.metrics.errors.get()).toMatchObject({ values: [{ value: 2 }] });
    expect(lines.join('')).toContain('frr-apply');
    expect(lines.join('')).not.toContain('topsecret');
    a.stop();
  });

  it('does a full apply when FRR restarted (its daemon PIDs changed)', async () => {
    const v = new FakeVtysh();
    let pids = 'a';
    const a = new FrrApplier({ vtysh: v, stateProbe: async () => pids, debounceMs: 1 });
    a.update(services(1));
    await a.idle();
    await sleep(5);
    pids = 'b';
    a.update(services(2));
    await a.idle();
    expect(a.lastApply?.mode).toBe('full');
    expect(v.shows).toBe(2);
    a.stop();
  });

  it('finds drift between the running config and the applied intent and repairs it', async () => {
    const v = new FakeVtysh();
    const a = new FrrApplier({ vtysh: v, stateProbe: async () => 'p', debounceMs: 1 });
    a.update(services(2));
    await a.idle();
    v.running = render(services(2));
    expect(await a.checkDrift()).toBe(false);
    v.running = render(services(1)); // somebody removed a network line
    expect(await a.checkDrift()).toBe(true);
    await a.idle();
    // The repair is a full apply: the missing network line, the policy re-sent, no neighbor touched.
    const last = v.batches[v.batches.length - 1];
    expect(last.filter((c) => c.includes('network'))).toEqual(['network 192.0.2.2/32']);
    expect(last.some((c) => c.startsWith('neighbor '))).toBe(false);
    expect(last).toContain('route-map 198.51.100.1-out permit 1');
    a.stop();
  });

  it('writes the whole frr.conf with mode 0600', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtfrr-'));
    const path = join(dir, 'frr.conf');
    const a = new FrrApplier({ vtysh: new FakeVtysh(), stateProbe: async () => 'p', configPath: path });
    a.update(services(3, 'pw'));
    await a.idle();
    expect(readFileSync(path, 'utf8')).toBe(render(services(3, 'pw')));
    expect(statSync(path).mode & 0o777).toBe(0o600);
    a.stop();
  });
});
