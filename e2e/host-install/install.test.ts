// From the packed tarball to a running, announcing standalone under the shipped unit's command line:
//
//   1. `npm pack`, then the tarball's contents (no tests, sources, maps or dev dependencies);
//   2. `npm install -g --offline --prefix <fresh>`: the bundled dependencies need no registry, the
//      install step builds the layer 2 addon; `metallb-ts validate` on the packaged examples/basic;
//   3. the packaged unit: `systemd-analyze verify`; its sysusers.d file applied to a copy of /etc;
//      its tmpfiles.d rule applied to this FRR's folder;
//   4. the unit's ExecStart run as systemd would (sandbox.ts: user, groups, CAP_NET_RAW only,
//      NoNewPrivileges, read-only file system but the state folder and the FRR folder, systemd's
//      environment) on a copy of the packaged examples/basic, in the lab's node namespace with its
//      own FRR, peered with the lab router (iBGP, MD5, BFD), a stand-in NOTIFY_SOCKET listening;
//   5. READY=1 from inside the service; the router learns the Service routes; the client's ARP for
//      the layer 2 Service is answered by the node; `metallb-ts status` (as the service user) exits 0
//      and shows it all; SIGTERM: STOPPING=1 and exit 0.
// Namespaces and FRR pathspaces are prefixed "mthost"; everything is removed at the end.
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { execa, type ResultPromise } from 'execa';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { arpingFromClient, buildLab, repoRoot, type LabTopology } from '../lab/topology.js';
import { paths, sessions } from '../lab/router.js';
import { ensureBuilt } from '../system-l2/site.js';
import { NotifyReceiver } from '../../test/systemd/receiver.js';
import { credentials, execStart, sandboxedArgv, serviceEnv, sysusersInCopy, type ServiceUser } from './sandbox.js';

jest.setTimeout(600_000);

const PREFIX = 'mthost';
const ROOT = repoRoot();
const WEB = { ip: '203.0.113.2', prefix: '203.0.113.2/32' }; // examples/basic: web, served on node-a and node-b
const API = '203.0.113.1/32'; // api: externalTrafficPolicy Local, served on node-b only
const SHOP = '198.51.100.3'; // shop: layer 2, the election gives it to node-a

let work: string;
let tarball: string;
let prefix: string;
let pkg: string;
let user: ServiceUser;
let topo: LabTopology | undefined;
let receiver: NotifyReceiver | undefined;
let service: ResultPromise | undefined;
let mainPid = 0;
const output: string[] = [];

const bin = () => join(prefix, 'bin', 'metallb-ts');

beforeAll(async () => {
  await ensureBuilt();
  // Under /run, not /tmp: the sandbox gives the service a private /tmp, as PrivateTmp=yes does.
  work = mkdtempSync('/run/mthost-');
  chmodSync(work, 0o755);
  // (size and install time: bench/package-install.ts)
  const packed = await execa('npm', ['pack', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT });
  tarball = join(work, String(packed.stdout).trim().split('\n').pop()!);
  prefix = join(work, 'prefix');
  await execa('npm', ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, tarball], { cwd: work });
  pkg = join(prefix, 'lib', 'node_modules', 'metallb-ts');
  user = await sysusersInCopy(join(work, 'root'), join(pkg, 'packaging', 'sysusers.d', 'metallb-ts.conf'), 'metallb-ts');
}, 600_000);

afterAll(async () => {
  if (service?.pid && service.exitCode === null) service.kill('SIGKILL');
  receiver?.stop();
  await topo?.cleanup();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  test('holds the program, the unit and the examples, and no tests, sources, maps or dev dependencies', async () => {
    const files = String((await execa('tar', ['tzf', tarball])).stdout).split('\n');
    for (const f of ['bin/metallb-ts', 'dist/src/cli/main.js', 'native/binding.gyp', 'native/src/af_packet.cc', 'native/install.mjs',
      'packaging/metallb-ts.service', 'packaging/sysusers.d/metallb-ts.conf', 'packaging/tmpfiles.d/metallb-ts.conf',
      'examples/basic/services.yaml', 'templates/frr.conf.hbs', 'frr/daemons', 'docs/install-host.md',
      'node_modules/@kubernetes/client-node/package.json', 'node_modules/undici/package.json']) {
      expect(files).toContain(`package/${f}`);
    }
    const own = files.filter((f) => !f.startsWith('package/node_modules/'));
    expect(own.filter((f) => /\.test\.|\.map$|^package\/(src|test|e2e|bench|scripts|charts|\.tools)\/|^package\/native\/build\//.test(f))).toEqual([]);
    const bundled = new Set(files.map((f) => /^package\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1]).filter(Boolean));
    // (@types/node is bundled: @kubernetes/client-node lists it as a runtime dependency)
    for (const dev of ['jest', 'typescript', 'eslint', 'ts-jest', 'node-gyp', 'fast-check', 'kubernetes-models', '@jest/globals', '@eslint/js']) {
      expect(bundled.has(dev)).toBe(false);
    }
  });

  test('installs offline into a fresh prefix: metallb-ts on its PATH, the layer 2 addon built, undici 7 as tested', async () => {
    expect(existsSync(bin())).toBe(true);
    expect(existsSync(join(pkg, 'native', 'build', 'Release', 'af_packet.node'))).toBe(true);
    expect((JSON.parse(readFileSync(join(pkg, 'node_modules', 'undici', 'package.json'), 'utf8')) as { version: string }).version).toMatch(/^7\./);
    const r = await execa('metallb-ts', ['validate', join(pkg, 'examples', 'basic')], { env: { PATH: `${join(prefix, 'bin')}:${process.env.PATH}` }, reject: false });
    expect(r.stdout).toBe('valid: 2 pools, 1 peer, 1 BGP advertisement, 1 L2 advertisement, 1 BFD profile, 1 community alias, 3 LoadBalancer services, 2 nodes');
    expect(r.exitCode).toBe(0);
  });

  test('the packaged unit verifies, and its user is in the FRR groups', async () => {
    const unit = readFileSync(join(pkg, 'packaging', 'metallb-ts.service'), 'utf8');
    const copy = join(work, 'metallb-ts.service');
    writeFileSync(copy, unit.replace('ExecStart=/usr/bin/metallb-ts ', `ExecStart=${bin()} `));
    const r = await execa('systemd-analyze', ['verify', copy], { reject: false });
    expect(`${r.stdout}${r.stderr}`).toBe('');
    expect(user.groups.sort()).toEqual(['frr', 'frrvty']);
  });
});

describe('standalone under the unit\'s command line', () => {
  let configDir: string;
  let stateDir: string;
  let frrDir: string;

  beforeAll(async () => {
    configDir = join(work, 'etc-metallb-ts');
    stateDir = join(work, 'var-lib-metallb-ts');
    topo = await buildLab({ prefix: PREFIX, configDir, workDir: join(work, 'lab'), nodes: ['node-a'] });
    const ps = topo.node('node-a').frr!.pathspace;
    frrDir = `/etc/frr/${ps}`;

    // The host as the docs set it up: Debian's FRR folder mode (0750 frr:frr) made group-writable by
    // the shipped tmpfiles.d rule (applied to this FRR's pathspace folder), the configuration copied
    // from the package (ConfigurationDirectory=, root-owned), the state folder the unit's user owns
    // (StateDirectory=, 0750).
    chmodSync(frrDir, 0o750);
    const rule = readFileSync(join(pkg, 'packaging', 'tmpfiles.d', 'metallb-ts.conf'), 'utf8');
    expect(rule).toMatch(/^z \/etc\/frr 0770 frr frr -$/m);
    writeFileSync(join(work, 'tmpfiles.conf'), rule.replace(/^z \/etc\/frr /m, `z ${frrDir} `));
    await execa('systemd-tmpfiles', ['--create', join(work, 'tmpfiles.conf')]);
    expect(statSync(frrDir).mode & 0o777).toBe(0o770);
    cpSync(join(pkg, 'examples', 'basic'), configDir, { recursive: true });
    chownSync(join(configDir, 'bgp.yaml'), 0, user.gid); // it holds the router password Secret
    chmodSync(join(configDir, 'bgp.yaml'), 0o640);
    mkdirSync(stateDir, { mode: 0o750 });
    chownSync(stateDir, user.uid, user.gid);

    receiver = await NotifyReceiver.start(join(work, 'notify'));
    const unit = readFileSync(join(pkg, 'packaging', 'metallb-ts.service'), 'utf8');
    // ExecStart as written, with this test's paths for the unit's fixed ones, and METALLB_TS_ARGS
    // (from /etc/default/metallb-ts) naming this FRR's pathspace.
    const argv = execStart(unit).flatMap((a) => {
      if (a === '/usr/bin/metallb-ts') return [bin()];
      if (a === '/etc/metallb-ts') return [configDir];
      if (a === '/var/lib/metallb-ts') return [stateDir];
      if (a === '$METALLB_TS_ARGS') return ['--vtysh-pathspace', ps, '--metrics-host', '127.0.0.1'];
      return [a];
    });
    expect(argv.slice(1, 6)).toEqual(['standalone', '--config', configDir, '--state-dir', stateDir]);
    const env = serviceEnv(user, stateDir, { NOTIFY_SOCKET: receiver.path, METALLB_NODE_NAME: 'node-a' });
    const [cmd, ...args] = sandboxedArgv({ user, writable: [stateDir, frrDir], env, argv });
    service = topo.lab.spawn(topo.node('node-a').ns, cmd, args);
    mainPid = service.pid!;
    service.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
    service.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  }, 300_000);

  test('READY=1 comes from inside the service, running as the unit\'s user with CAP_NET_RAW only', async () => {
    const ready = await receiver!.waitFor('READY', 60_000).catch((e: Error) => {
      throw new Error(`${e.message}\nservice output:\n${output.join('').slice(-4000)}`);
    });
    expect([ready.pid, ...ready.ancestors]).toContain(mainPid);
    expect(ready.uid).toBe(user.uid);
    expect(ready.fields.STATUS).toBe('2 of 3 Services announced from this node (BGP 1, layer 2 1)');
    const c = credentials(mainPid);
    expect(c.Uid.split(/\s+/)).toEqual(Array(4).fill(String(user.uid)));
    expect(c.CapEff).toBe('0000000000002000'); // CAP_NET_RAW
    expect(c.CapBnd).toBe('0000000000002000');
    expect(c.CapAmb).toBe('0000000000002000');
    expect(c.NoNewPrivs).toBe('1');
  });

  test('the router learns web from the node (not api, served elsewhere), over MD5 (the router requires the example\'s password)', async () => {
    const router = topo!.router!;
    let ok = false;
    for (const end = Date.now() + 60_000; Date.now() < end && !ok;) {
      const s = (await sessions(router)).find((x) => x.neighbor === topo!.node('node-a').ip4);
      ok = s?.state === 'Established' && (await paths(router, WEB.prefix)).some((p) => p.from === topo!.node('node-a').ip4);
      if (!ok) await new Promise((r) => setTimeout(r, 250));
    }
    expect(ok).toBe(true);
    expect(await paths(router, API)).toEqual([]);
    // The whole frr.conf was written where FRR boots from, through the group-writable folder.
    const conf = join(frrDir, 'frr.conf');
    expect(statSync(conf).uid).toBe(user.uid);
    expect(statSync(conf).mode & 0o777).toBe(0o600);
  });

  test('the client\'s ARP for the layer 2 Service is answered by the node (AF_PACKET with CAP_NET_RAW)', async () => {
    let mac: string | undefined;
    for (let i = 0; i < 20 && !mac; i++) mac = (await arpingFromClient(topo!, SHOP)).mac;
    expect(mac).toBe(topo!.node('node-a').mac);
  });

  test('metallb-ts status, as the service user, shows it all and exits 0', async () => {
    const ps = topo!.node('node-a').frr!.pathspace;
    // BFD comes up after the session: status is a health check, so wait until it says healthy.
    let r: Awaited<ReturnType<typeof execa>> | undefined;
    for (const end = Date.now() + 30_000; Date.now() < end;) {
      r = await execa('ip', ['netns', 'exec', topo!.node('node-a').ns, ...sandboxedArgv({
        user, writable: [], env: serviceEnv(user, stateDir, {}),
        argv: [bin(), 'status', '--state-dir', stateDir, '--config', configDir, '--vtysh-pathspace', ps, '--json'],
      })], { reject: false });
      if (r.exitCode === 0) break;
      await new Promise((res) => setTimeout(res, 500));
    }
    expect({ code: r!.exitCode, stderr: String(r!.stderr) }).toMatchObject({ code: 0 });
    const j = JSON.parse(String(r!.stdout)) as { ok: boolean; services: Array<{ name: string; state: string }>; peers: Array<Record<string, unknown>>; layer2: Array<Record<string, unknown>> };
    expect(j.ok).toBe(true);
    expect(j.services.map((s) => [s.name, s.state])).toEqual([['default/api', 'elsewhere'], ['default/shop', 'ok'], ['default/web', 'ok']]);
    expect(j.peers).toMatchObject([{ name: 'router', address: '192.0.2.1', state: 'Established', up: true, prefixesSent: 1, bfd: 'up' }]);
    expect(j.layer2).toEqual([{ service: 'default/shop', ips: [SHOP], owner: 'node-a' }]);
  });

  test('SIGTERM: STOPPING=1, then a clean exit 0', async () => {
    const from = receiver!.messages.length;
    process.kill(mainPid, 'SIGTERM');
    await receiver!.waitFor('STOPPING', 20_000, from);
    const r = await service!;
    expect(r.exitCode).toBe(0);
  });
});
