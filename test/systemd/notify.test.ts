// The systemd notifier through the real `systemd-notify` to a stand-in of systemd's notification
// socket, and the readiness rules standalone applies (READY=1 only after the first configuration is
// applied, STATUS= only when the line changes).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceReadiness, statusLine, type ReconcileReport } from '../../src/roles/service-readiness.js';
import type { NodePlan, ServiceDecision } from '../../src/speaker/types.js';
import { createLogger } from '../../src/util/log.js';
import { systemdNotifier, type Notifier } from '../../src/util/systemd-notify.js';
import { NotifyReceiver } from './receiver.js';

const quiet = createLogger('none');

const decision = (service: string, protocol: 'bgp' | 'layer2', announced: boolean): ServiceDecision =>
  ({ service, protocol, announced, ips: ['203.0.113.1'], ...(announced ? {} : { reason: 'notOwner' as const }) });
const plan = (decisions: ServiceDecision[]): NodePlan => ({ node: 'node-a', decisions, errors: [], l2: [] } as unknown as NodePlan);

const report = (o: Partial<ReconcileReport> = {}): ReconcileReport => ({
  running: true, status: { configValid: true, configErrors: [] }, plan: plan([]), applied: async () => undefined, frrError: () => undefined, ...o,
});

describe('systemd-notify to a notification socket', () => {
  let dir: string;
  let receiver: NotifyReceiver;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mt-notify-'));
    receiver = await NotifyReceiver.start(join(dir, 'notify'));
  });
  afterAll(() => {
    receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('READY=1 with a STATUS line arrives with the sender\'s credentials; newlines cannot inject fields', async () => {
    const n = systemdNotifier({ env: { ...process.env, NOTIFY_SOCKET: receiver.path } });
    expect(n.enabled).toBe(true);
    await n.notify({ READY: '1', STATUS: '2 of 3 Services announced\nMAINPID=1' });
    const m = await receiver.waitFor('READY', 5000);
    expect(m.fields).toEqual({ READY: '1', STATUS: '2 of 3 Services announced MAINPID=1' });
    expect(m.uid).toBe(process.getuid!());
    // systemd-notify sends on behalf of its parent (us) when allowed to (root), else as itself, our
    // child: either way systemd finds the sender in the service (NotifyAccess=all).
    expect([m.pid, ...m.ancestors]).toContain(process.pid);
    expect(receiver.refused).toEqual([]);
  });

  test('without NOTIFY_SOCKET nothing is sent and nothing fails', async () => {
    const errors: Error[] = [];
    const n = systemdNotifier({ env: { PATH: process.env.PATH }, onError: (e) => errors.push(e) });
    expect(n.enabled).toBe(false);
    const before = receiver.messages.length;
    await n.notify({ READY: '1' });
    expect(receiver.messages.length).toBe(before);
    expect(errors).toEqual([]);
  });

  test('a socket nobody listens on is reported, not thrown', async () => {
    const errors: Error[] = [];
    const n = systemdNotifier({ env: { ...process.env, NOTIFY_SOCKET: join(dir, 'nobody') }, onError: (e) => errors.push(e) });
    await n.notify({ STATUS: 'x' });
    expect(errors).toHaveLength(1);
    expect(errors[0].message).toMatch(/^systemd-notify STATUS=x failed/);
  });
});

describe('standalone readiness', () => {
  const recorder = (): Notifier & { sent: Array<Record<string, string>> } => {
    const sent: Array<Record<string, string>> = [];
    return { enabled: true, sent, notify: async (f) => void sent.push(f) };
  };
  const settle = () => new Promise((r) => setTimeout(r, 20));

  test('no valid configuration: a STATUS line, never READY=1', async () => {
    const n = recorder();
    const hook = serviceReadiness(n, quiet);
    hook(report({ running: false, status: {}, plan: undefined }));
    await settle();
    expect(n.sent).toEqual([{ STATUS: 'waiting for a valid configuration: nothing is allocated or announced (the log names the problems)' }]);
  });

  test('READY=1 waits for FRR to take the first configuration, then STATUS only when the line changes', async () => {
    const n = recorder();
    const hook = serviceReadiness(n, quiet);
    let release!: () => void;
    const frrApplied = new Promise<void>((r) => (release = r));
    const p = plan([decision('default/web', 'bgp', true), decision('default/shop', 'layer2', false)]);
    hook(report({ plan: p, applied: () => frrApplied }));
    await settle();
    expect(n.sent).toEqual([]); // FRR has not applied yet
    release();
    await settle();
    expect(n.sent).toEqual([{ READY: '1', STATUS: '1 of 2 Services announced from this node (BGP 1, layer 2 0)' }]);

    hook(report({ plan: p })); // same line: nothing sent
    await settle();
    expect(n.sent).toHaveLength(1);

    hook(report({ plan: p, status: { configValid: false, configErrors: ['a', 'b'] }, frrError: () => new Error('vtysh: % Unknown command\nmore') }));
    await settle();
    expect(n.sent[1]).toEqual({ STATUS: '1 of 2 Services announced from this node (BGP 1, layer 2 0); configuration invalid (2 problems): the last valid one keeps running; FRR apply failing: vtysh: % Unknown command' });
  });

  test('a burst of reports while FRR applies: only the newest is reported', async () => {
    const n = recorder();
    const hook = serviceReadiness(n, quiet);
    let release!: () => void;
    const first = new Promise<void>((r) => (release = r));
    hook(report({ plan: plan([decision('default/a', 'bgp', true)]), applied: () => first }));
    for (const s of ['b', 'c', 'd']) hook(report({ plan: plan([decision('default/a', 'bgp', true), decision(`default/${s}`, 'bgp', s === 'd')]) }));
    release();
    await settle();
    expect(n.sent.map((f) => f.STATUS)).toEqual([
      '1 of 1 Service announced from this node (BGP 1, layer 2 0)',
      '2 of 2 Services announced from this node (BGP 2, layer 2 0)',
    ]);
    expect(n.sent[0].READY).toBe('1');
  });

  test('statusLine counts a Service once even when both protocols announce it', () => {
    expect(statusLine(report({ plan: plan([decision('default/x', 'bgp', true), decision('default/x', 'layer2', true)]) })))
      .toBe('1 of 1 Service announced from this node (BGP 1, layer 2 1)');
  });
});
