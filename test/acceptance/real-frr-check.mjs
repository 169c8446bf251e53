/* global console, process, setTimeout */
// Manual acceptance check against real FRR 8.4 (root, FRR installed, after `npm run build`):
//   node test/acceptance/real-frr-check.mjs
// Renders test/acceptance/scenarios/wire for node-a with the built CLI, loads it into a node FRR
// (bgpd -p 0, like the sidecar) and checks what two router FRRs receive: eBGP (MD5, IPv4 + one-hop
// IPv6) and iBGP (local-preference). Namespaces and pathspaces are named mtacc*, removed at the end.
// Exit code 0 when every prefix arrives with the expected attributes.
import { join } from 'node:path';
import { runRenderFrr } from '../../dist/src/cli/render.js';
import { startFrr } from '../../dist/e2e/harness/frr.js';
import { Lab } from '../../dist/e2e/harness/netns.js';

const EXPECT = {
  'ebgp 203.0.113.5/32': 'lp=- c=7:7 no-advertise lc=64512:1:2',
  'ebgp 203.0.113.4/30': 'lp=- c=9:9 lc=-',
  'ebgp 2001:db8:5::5/128': 'lp=- c=7:7 no-advertise lc=64512:1:2',
  'ebgp 2001:db8:5::/124': 'lp=- c=9:9 lc=-',
  'ibgp 203.0.113.5/32': 'lp=150 c=7:7 no-advertise lc=64512:1:2',
  'ibgp 203.0.113.4/30': 'absent',
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let conf = '';
const code = await runRenderFrr([join(process.cwd(), 'test', 'acceptance', 'scenarios', 'wire')], { node: 'node-a', logLevel: 'info' }, (s) => (conf += s), (s) => process.stderr.write(s));
if (code !== 0) process.exit(code);

const lab = new Lab('mtacc');
let failed = false;
try {
  const nodeNs = await lab.addNamespace('wnode');
  const r1Ns = await lab.addNamespace('wr1');
  const r2Ns = await lab.addNamespace('wr2');
  await lab.link({ ns: nodeNs, ifname: 'eth0', addrs: ['198.51.100.101/24', '2001:db8::101/64'] }, { ns: r1Ns, ifname: 'eth0', addrs: ['198.51.100.1/24', '2001:db8::1/64'] });
  await lab.link({ ns: nodeNs, ifname: 'eth1', addrs: ['192.0.2.101/24'] }, { ns: r2Ns, ifname: 'eth0', addrs: ['192.0.2.1/24'] });
  const node = await startFrr(lab, { ns: nodeNs, listen: false });
  const ebgp = await startFrr(lab, { ns: r1Ns, listen: true });
  const ibgp = await startFrr(lab, { ns: r2Ns, listen: true });
  await ebgp.configure(['router bgp 64513', 'bgp router-id 198.51.100.1', 'no bgp ebgp-requires-policy', 'no bgp default ipv4-unicast',
    'neighbor 198.51.100.101 remote-as 64512', 'neighbor 198.51.100.101 password md5pass', 'neighbor 2001:db8::101 remote-as 64512',
    'address-family ipv4 unicast', 'neighbor 198.51.100.101 activate', 'exit-address-family',
    'address-family ipv6 unicast', 'neighbor 2001:db8::101 activate', 'exit-address-family', 'exit']);
  await ibgp.configure(['router bgp 64512', 'bgp router-id 192.0.2.1', 'no bgp default ipv4-unicast', 'neighbor 192.0.2.101 remote-as 64512',
    'address-family ipv4 unicast', 'neighbor 192.0.2.101 activate', 'exit-address-family', 'exit']);
  // route-maps are defined after the neighbors refer to them: FRR says so and links them later
  const loadOut = await node.load(conf);
  const noise = loadOut.split('\n').filter((l) => l.trim() && !/does not exist/.test(l));
  if (noise.length) {
    console.log('FRR said while loading:', noise.join(' | '));
    failed = true;
  }
  const show = async (r, p) => {
    const j = await r.json(`show bgp ${p.includes(':') ? 'ipv6' : 'ipv4'} unicast ${p} json`);
    const path = j.paths?.[0];
    return path ? `lp=${path.locPrf ?? '-'} c=${path.community?.string ?? '-'} lc=${path.largeCommunity?.string ?? '-'}` : 'absent';
  };
  const read = async () => Object.fromEntries(await Promise.all(Object.keys(EXPECT).map(async (k) => {
    const [who, p] = k.split(' ');
    return [k, await show(who === 'ebgp' ? ebgp : ibgp, p)];
  })));
  let got = {};
  const end = Date.now() + 30000;
  while (Date.now() < end) {
    got = await read();
    if (Object.keys(EXPECT).every((k) => got[k] === EXPECT[k])) break;
    await sleep(300);
  }
  await sleep(1500); // nothing more may arrive (the /30 to the iBGP router)
  got = await read();
  for (const k of Object.keys(EXPECT)) {
    const ok = got[k] === EXPECT[k];
    failed ||= !ok;
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${k}: ${got[k]}${ok ? '' : ` (want ${EXPECT[k]})`}`);
  }
  for (const f of [node, ebgp, ibgp]) f.stop();
} finally {
  await lab.cleanup();
}
process.exit(failed ? 1 : 0);
