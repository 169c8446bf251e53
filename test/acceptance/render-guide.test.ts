// Acceptance: `render frr` on the guide's BGP examples (31.5.3.1, 31.6.3, 31.6.4, 31.7.2, 31.8.2) and
// the spec's section 4, checked as a MetalLB user reads frr.conf: the router, every neighbor's session
// options, address-family activation, the `network` lines, and what each neighbor is sent with which
// local-preference and communities (evaluated through the outbound route-map, since metallb-ts shares
// pool-range prefix-lists instead of upstream's one entry per prefix per neighbor).
import { beforeAll, describe, expect, it } from '@jest/globals';
import { describeSent, parseFrrText, sentTo, type FrrText, type RouterText } from './frr-text.js';
import { explain, renderFrr, scenario } from './run.js';

function router(conf: FrrText, vrf = ''): RouterText {
  const r = conf.routers.find((x) => x.vrf === vrf);
  if (!r) throw new Error(`no router bgp for vrf "${vrf}"`);
  return r;
}

const SESSION_DEFAULTS = ['no bgp ebgp-requires-policy', 'no bgp default ipv4-unicast', 'bgp graceful-restart preserve-fw-state', 'no bgp network import-check'];

describe('guide 31.5.3.1 advanced pool + every peer option (node-a)', () => {
  let text: string;
  let conf: FrrText;
  beforeAll(async () => {
    const r = await renderFrr([scenario('advanced')], 'node-a');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    text = r.out;
    conf = parseFrrText(text);
  });

  it('has one router bgp with myASN and the session defaults, hostname and log level', () => {
    expect(conf.routers.map((r) => `${r.asn}/${r.vrf}`)).toEqual(['64500/']);
    for (const l of SESSION_DEFAULTS) expect(router(conf).lines).toContain(l);
    expect(conf.globals).toEqual(expect.arrayContaining(['hostname node-a', 'log stdout informational', 'log timestamp precision 3', 'ip nht resolve-via-default', 'ipv6 nht resolve-via-default']));
  });

  it('renders each selected peer with its session options and no peer of another node', () => {
    const n = router(conf).neighbors;
    expect([...n.keys()].sort()).toEqual(['192.0.2.1', '192.0.2.2', '198.51.100.1', '2001:db8::1', '2001:db8::2']);
    expect(n.get('192.0.2.1')).toEqual(
      expect.arrayContaining([
        'remote-as 64501',
        'password s3cr3t-pass',
        'update-source 192.0.2.10',
        'timers 3 10',
        'timers connect 5',
        'graceful-restart',
        'bfd',
        'bfd profile doc-example-bfd-profile-full',
      ]),
    );
    expect(n.get('192.0.2.1')?.[0]).toBe('remote-as 64501');
    expect(n.get('198.51.100.1')).toEqual(expect.arrayContaining(['remote-as 64502', 'local-as 64999 no-prepend replace-as', 'port 180', 'bfd', 'bfd profile fast']));
    expect(n.get('198.51.100.1')?.some((o) => /^ebgp-multihop( \d+)?$/.test(o))).toBe(true);
    // eBGP over IPv6 one hop away: FRR needs disable-connected-check (link-local next hop otherwise).
    expect(n.get('2001:db8::1')).toEqual(['remote-as 64503', 'disable-connected-check']);
    expect(n.get('2001:db8::2')).toEqual(['remote-as external', 'disable-connected-check']);
    expect(n.get('192.0.2.2')).toEqual(['remote-as internal']);
    // options a peer did not set are absent
    expect(n.get('192.0.2.1')?.some((o) => o.startsWith('ebgp-multihop') || o.startsWith('local-as'))).toBe(false);
    expect(n.get('198.51.100.1')?.some((o) => o.startsWith('password') || o.startsWith('graceful-restart') || o.startsWith('disable-connected-check'))).toBe(false);
  });

  it('activates every neighbor in its own family only, with an inbound deny-all and an outbound map', () => {
    const r = router(conf);
    expect([...r.af[4].activated].sort()).toEqual(['192.0.2.1', '192.0.2.2', '198.51.100.1']);
    expect([...r.af[6].activated].sort()).toEqual(['2001:db8::1', '2001:db8::2']);
    for (const fam of [4, 6] as const) {
      for (const nb of r.af[fam].activated) {
        const inMap = r.af[fam].routeMapIn.get(nb);
        expect(inMap).toBeDefined();
        const entries = conf.routeMaps.get(inMap ?? '') ?? [];
        expect(entries.map((e) => `${e.action} ${e.match ? 'match' : 'all'}`)).toEqual(['deny all']);
        expect(r.af[fam].routeMapOut.get(nb)).toBeDefined();
      }
    }
  });

  it('originates the announced prefixes at both aggregation lengths', () => {
    const r = router(conf);
    expect(r.af[4].networks.sort()).toEqual(['203.0.113.200/30', '203.0.113.200/32']);
    expect(r.af[6].networks.sort()).toEqual(['fc00:f853:ccd:e799::/124', 'fc00:f853:ccd:e799::/128']);
  });

  it('sends each neighbor both prefixes with the attributes of their advertisement', () => {
    const r = router(conf);
    for (const nb of ['192.0.2.1', '192.0.2.2', '198.51.100.1']) {
      expect(describeSent(sentTo(conf, r, nb))).toEqual(['203.0.113.200/30 c=8000:800', '203.0.113.200/32 lp=100 c=65535:65282']);
    }
    for (const nb of ['2001:db8::1', '2001:db8::2']) {
      expect(describeSent(sentTo(conf, r, nb))).toEqual(['fc00:f853:ccd:e799::/124 c=8000:800', 'fc00:f853:ccd:e799::/128 lp=100 c=65535:65282']);
    }
  });

  it('renders both BFD profiles with the values FRR does not take by default', () => {
    expect(conf.bfdProfiles.get('doc-example-bfd-profile-full')).toContain('passive-mode');
    expect(conf.bfdProfiles.get('doc-example-bfd-profile-full')).not.toContain('echo-mode');
    expect([...(conf.bfdProfiles.get('fast') ?? [])].sort()).toEqual(
      ['detect-multiplier 5', 'echo receive-interval 60', 'echo transmit-interval 60', 'minimum-ttl 250', 'receive-interval 150', 'transmit-interval 200'].sort(),
    );
  });

  it('renders on node-b the peer limited to rack r2 too', async () => {
    const b = parseFrrText((await renderFrr([scenario('advanced')], 'node-b')).out);
    expect(router(b).neighbors.get('192.0.2.3')).toEqual(['remote-as 64504']);
    expect(describeSent(sentTo(b, router(b), '192.0.2.3'))).toEqual(['203.0.113.200/30 c=8000:800', '203.0.113.200/32 lp=100 c=65535:65282']);
  });

  it('maps --log-level to FRR log levels, with the debug lines at debug', async () => {
    const level = async (l: string): Promise<string> => (await renderFrr([scenario('advanced')], 'node-a', l)).out;
    expect(await level('info')).toMatch(/^log stdout informational$/m);
    expect(await level('warn')).toMatch(/^log stdout warnings$/m);
    expect(await level('error')).toMatch(/^log stdout error$/m);
    expect(await level('none')).toMatch(/^log stdout emergencies$/m);
    for (const l of ['debug', 'all']) {
      const t = await level(l);
      // FRR prints `log stdout` for its default level, debugging
      expect(t).toMatch(/^log stdout( debugging)?$/m);
      for (const d of ['debug zebra events', 'debug zebra nht', 'debug zebra kernel', 'debug zebra rib', 'debug zebra nexthop', 'debug bgp neighbor-events', 'debug bgp updates', 'debug bgp keepalives', 'debug bgp nht', 'debug bgp zebra', 'debug bfd network', 'debug bfd peer', 'debug bfd zebra']) {
        expect(t).toMatch(new RegExp(`^${d}( .*)?$`, 'm'));
      }
    }
    expect(await level('info')).not.toMatch(/^debug /m);
  });
});

describe('guide 31.6.3 peers per pool', () => {
  let conf: FrrText;
  beforeAll(async () => {
    const r = await renderFrr([scenario('peers-per-pool')], 'node-a');
    expect(r.code).toBe(0);
    conf = parseFrrText(r.out);
  });

  it('sets the router-id and sends each pool only to its peer', () => {
    const r = router(conf);
    expect(r.lines).toContain('bgp router-id 10.10.10.10');
    expect(r.af[4].networks.sort()).toEqual(['4.4.4.100/32', '5.5.5.100/32']);
    expect(describeSent(sentTo(conf, r, '10.0.0.1'))).toEqual(['4.4.4.100/32 lp=100 c=65535:65282']);
    expect(describeSent(sentTo(conf, r, '10.0.0.2'))).toEqual(['5.5.5.100/32 lp=100 c=65535:65282']);
  });

  it('does not originate the IPv6 address no IPv4-only peer may receive', () => {
    expect(router(conf).af[6].networks).toEqual([]);
  });
});

describe('VRF peer, unnumbered peer, dual-stack peer, community alias and large community (31.6.4.3, 31.7.2)', () => {
  let conf: FrrText;
  beforeAll(async () => {
    const r = await renderFrr([scenario('vrf-unnumbered-large')], 'node-a');
    expect(r.code).toBe(0);
    conf = parseFrrText(r.out);
  });

  it('puts the VRF peer in its own router bgp ... vrf block', () => {
    const red = router(conf, 'red');
    expect(red.asn).toBe(64500);
    expect([...red.neighbors.keys()]).toEqual(['192.0.2.5']);
    expect(red.neighbors.get('192.0.2.5')).toEqual(['remote-as 64510']);
    for (const l of SESSION_DEFAULTS) expect(red.lines).toContain(l);
    expect(router(conf).neighbors.has('192.0.2.5')).toBe(false);
  });

  it('renders the unnumbered peer with interface remote-as, active in both families', () => {
    const r = router(conf);
    expect(r.neighbors.get('eth1')).toEqual(['interface remote-as external']);
    expect(r.af[4].activated.has('eth1')).toBe(true);
    expect(r.af[6].activated.has('eth1')).toBe(true);
  });

  it('activates the dualStackAddressFamily peer in both families; connected check only for one-hop IPv6 eBGP', () => {
    const r = router(conf);
    expect(r.af[4].activated.has('192.0.2.6')).toBe(true);
    expect(r.af[6].activated.has('192.0.2.6')).toBe(true);
    expect(r.neighbors.get('2001:db8::a')).toEqual(['remote-as 64500']);
    expect(r.neighbors.get('2001:db8::9')?.includes('disable-connected-check')).toBe(false);
    expect(r.neighbors.get('eth1')?.includes('disable-connected-check')).toBe(false);
  });

  it('resolves the NO_ADVERTISE alias and sends the large community in FRR syntax (no "large:" marker)', () => {
    const r = router(conf);
    const want4 = ['203.0.113.0/28 lp=200 c=64500:7,65535:65282 lc=64500:1:2'];
    expect(describeSent(sentTo(conf, router(conf, 'red'), '192.0.2.5'))).toEqual(want4);
    expect(describeSent(sentTo(conf, r, '192.0.2.6'))).toEqual([...want4, '2001:db8:5::/124 lp=200 c=64500:7,65535:65282 lc=64500:1:2'].sort());
    expect(describeSent(sentTo(conf, r, 'eth1'))).toEqual(
      [...want4, '203.0.113.0/32', '2001:db8:5::/124 lp=200 c=64500:7,65535:65282 lc=64500:1:2', '2001:db8:5::/128'].sort(),
    );
    expect(describeSent(sentTo(conf, r, '2001:db8::9'))).toEqual(['2001:db8:5::/128']);
    expect(describeSent(sentTo(conf, r, '2001:db8::a'))).toEqual(['2001:db8:5::/128']);
  });
});

describe('overlapping advertisements (spec 4.1: communities of every matching advertisement, per-peer lists)', () => {
  it('unions communities per prefix and peer, sends the aggregate only to its peer, leaves out the conflicting Service', async () => {
    const r = await renderFrr([scenario('overlap')], 'node-a');
    expect(r.code).toBe(0);
    const conf = parseFrrText(r.out);
    const main = router(conf);
    // gold (203.0.113.10) has conflicting localPrefs: not announced, so not originated
    expect(main.af[4].networks.sort()).toEqual(['203.0.113.0/24', '203.0.113.11/32']);
    expect(describeSent(sentTo(conf, main, '192.0.2.1'))).toEqual(['203.0.113.0/24 c=4:4', '203.0.113.11/32 c=1:1']);
    expect(describeSent(sentTo(conf, main, '192.0.2.2'))).toEqual(['203.0.113.11/32 c=1:1,2:2']);
  });
});

describe('wire scenario (the one real-frr-check.mjs loads into FRR)', () => {
  it('gives each router what the real FRR check saw arrive', async () => {
    const r = await renderFrr([scenario('wire')], 'node-a');
    expect(r.code).toBe(0);
    const conf = parseFrrText(r.out);
    const main = router(conf);
    expect(main.neighbors.get('198.51.100.1')).toEqual(expect.arrayContaining(['remote-as 64513', 'password md5pass', 'timers 3 9']));
    expect(main.neighbors.get('2001:db8::1')).toEqual(['remote-as 64513', 'disable-connected-check']);
    const attrs = 'lp=150 c=65535:65282,7:7 lc=64512:1:2';
    expect(describeSent(sentTo(conf, main, '198.51.100.1'))).toEqual(['203.0.113.4/30 c=9:9', `203.0.113.5/32 ${attrs}`]);
    expect(describeSent(sentTo(conf, main, '2001:db8::1'))).toEqual(['2001:db8:5::/124 c=9:9', `2001:db8:5::5/128 ${attrs}`]);
    expect(describeSent(sentTo(conf, main, '192.0.2.1'))).toEqual([`203.0.113.5/32 ${attrs}`]);
  });
});

describe('externalTrafficPolicy in the rendered networks (explain scenario)', () => {
  it('originates a Local Service only where it has a serving endpoint, a Cluster one on every selected node', async () => {
    const nets = async (node: string): Promise<string[]> => {
      const r = await renderFrr([scenario('explain')], node);
      expect(r.code).toBe(0);
      return parseFrrText(r.out).routers.flatMap((x) => x.af[4].networks);
    };
    const [a, b, c] = [await nets('node-a'), await nets('node-b'), await nets('node-c')];
    // default/local (Local, endpoint on node-b) and default/cluster (Cluster, endpoint on node-c)
    const ex = await explain([scenario('explain')], 'default/local', true);
    const localIP = (JSON.parse(ex.out) as { ips: string[] }).ips[0];
    const cl = await explain([scenario('explain')], 'default/cluster', true);
    const clusterIP = (JSON.parse(cl.out) as { ips: string[] }).ips[0];
    expect(a).not.toContain(`${localIP}/32`);
    expect(b).toContain(`${localIP}/32`);
    expect(a).toContain(`${clusterIP}/32`);
    expect(b).toContain(`${clusterIP}/32`);
    // node-c is not selected by the advertisement's nodeSelectors: no networks at all
    expect(c).toEqual([]);
  });
});
