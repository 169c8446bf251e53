// Reads BGP and BFD state from FRR through vtysh (edge). One scrape runs: `show bgp vrfs json`,
// then per VRF `show bgp vrf <v> neighbors json`, `show bfd vrf <v> peers json` and
// `show bfd vrf <v> peers counters json`. Like upstream, an error aborts that part (BGP or BFD) of
// the scrape and is reported; the other part still comes back.
import type { VtyshRunner } from '../vtysh.js';
import { missingDaemons, parseBfdPeers, parseBgpNeighbors, parseBgpVrfs, REQUIRED_DAEMONS, type BfdPeerStats, type BgpNeighborStats } from './parse.js';

export interface FrrState {
  vrfs: string[];
  bgp: BgpNeighborStats[];
  bfd: BfdPeerStats[];
  /** one message per failed part ("bgp: ...", "bfd: ...") */
  errors: string[];
}

export async function readFrrState(vtysh: VtyshRunner): Promise<FrrState> {
  const state: FrrState = { vrfs: [], bgp: [], bfd: [], errors: [] };
  try {
    state.vrfs = parseBgpVrfs(await vtysh.showJSON('show bgp vrfs json'));
  } catch (e) {
    state.errors.push(`bgp: ${(e as Error).message}`);
    return state;
  }
  try {
    const all: BgpNeighborStats[] = [];
    for (const vrf of state.vrfs) all.push(...parseBgpNeighbors(await vtysh.showJSON(`show bgp vrf ${vrf} neighbors json`), vrf));
    state.bgp = all;
  } catch (e) {
    state.errors.push(`bgp: ${(e as Error).message}`);
  }
  try {
    const all: BfdPeerStats[] = [];
    for (const vrf of state.vrfs) {
      const peers = await vtysh.showJSON(`show bfd vrf ${vrf} peers json`);
      const counters = await vtysh.showJSON(`show bfd vrf ${vrf} peers counters json`);
      all.push(...parseBfdPeers(peers, counters, vrf));
    }
    state.bfd = all;
  } catch (e) {
    state.errors.push(`bfd: ${(e as Error).message}`);
  }
  return state;
}

/** The FRR container's liveness: every required daemon listed by `show daemons`. */
export async function livez(vtysh: VtyshRunner, required: string[] = REQUIRED_DAEMONS): Promise<{ ok: boolean; missing: string[] }> {
  try {
    const missing = missingDaemons(await vtysh.show('show daemons'), required);
    return { ok: missing.length === 0, missing };
  } catch {
    return { ok: false, missing: required };
  }
}
