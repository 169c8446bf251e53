// Protocol timings and their defaults.
//
// Why these defaults (LAN, round trip well below 1 ms, a Node event loop that may stall tens of ms):
//
//   probeInterval     T = 100 ms   every member probes one other member per period
//   probeTimeout        =  50 ms   direct ack deadline; leaves 50 ms of the period for the indirect
//                                  probes (two extra hops each) and a second direct ping
//   indirectChecks    k = 3        helpers asked to ping the target when the direct ack is late
//   suspicionTimeout  S = 300 ms   a suspect that does not refute within S is declared dead
//
// Detection of a silent member, with n live members probing round-robin over a fixed shuffled order
// (every member probes every other member exactly once per n-1 periods, at its own phase):
//   wait for the first probe of it   <= (n-1)·T, about T·(n-1)/n on average over the n-1 probers
//   that probe's period              =  T          (direct + indirect probes, then suspect)
//   suspicion                        =  S          (then dead, pushed at once to `gossipFanout` members)
//   => average ~ T + T + S = 500 ms; bound (n-1)·T + T + S: 600 ms with 3 members, 800 ms with 5.
//   Every member that heard the suspicion runs its own timer, so all survivors agree within ~S of
//   the first suspicion plus one gossip hop.
//
// No flap on one lost packet: a lost ping or ack only delays the direct ack; at probeTimeout the
// prober sends a second direct ping and k indirect probes, each an independent path, so a suspicion
// needs the second ping and all k relays to fail as well. Even a suspicion (a loss burst, a 100 ms
// stall) is not a failure: the suspect hears about it (piggy-backed on the next ping, or pushed
// at once) and refutes with a higher incarnation within one round trip, far inside S = 300 ms.
// A member only dies if it stays silent for about T + S = 400 ms: longer than any stall that
// should not move IPs, far shorter than MetalLB's 1-4 s (memberlist LAN: 1 s, 500 ms, suspicion 4-6 s).
//
// Cost: per member per second 10 pings + 10 acks (+ rare indirect probes), each < 1 kB.

export interface Timings {
  probeInterval: number;
  probeTimeout: number;
  indirectChecks: number;
  suspicionTimeout: number;
  /** members pushed a suspicion, death or refutation at once, besides piggy-backing */
  gossipFanout: number;
  /** each update is piggy-backed retransmitMult * ceil(log2(n + 1)) times */
  retransmitMult: number;
  /** how often one dead member is pinged, so that a healed partition re-admits it */
  reconnectInterval: number;
  /** accepted difference between a packet's timestamp and our wall clock (clock skew + delay) */
  replayWindow: number;
  /** most gossip entries carried by one packet (keeps packets well under 1400 bytes) */
  maxPiggyback: number;
  /**
   * A key change (a new membership Secret, seen by the members a few seconds apart) is gradual: for
   * the first half of this window packets are still sealed with the previous key, which every member
   * still has; for all of it packets sealed with the previous key are accepted. Members that switch
   * less than half the window apart never drop each other's packets.
   */
  keyChangeGrace: number;
  /** a member whose packets failed authentication counts as holding another key this long */
  keyMismatchWindow: number;
}

export const DEFAULT_TIMINGS: Timings = {
  probeInterval: 100,
  probeTimeout: 50,
  indirectChecks: 3,
  suspicionTimeout: 300,
  gossipFanout: 3,
  retransmitMult: 3,
  reconnectInterval: 1000,
  replayWindow: 30_000,
  maxPiggyback: 8,
  keyChangeGrace: 60_000,
  keyMismatchWindow: 30_000,
};

/** Merges overrides into the defaults and checks them; the error names the field and the fix. */
export function resolveTimings(overrides: Partial<Timings> = {}): Timings {
  const t: Timings = { ...DEFAULT_TIMINGS };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) (t as unknown as Record<string, number>)[k] = v;
  const positive: (keyof Timings)[] = ['probeInterval', 'probeTimeout', 'suspicionTimeout', 'reconnectInterval', 'replayWindow',
    'retransmitMult', 'maxPiggyback', 'keyChangeGrace', 'keyMismatchWindow'];
  for (const k of positive) {
    if (!Number.isFinite(t[k]) || t[k] <= 0) throw new Error(`membership timing ${k}=${t[k]} is invalid: use a number > 0`);
  }
  for (const k of ['indirectChecks', 'gossipFanout'] as const) {
    if (!Number.isInteger(t[k]) || t[k] < 0) throw new Error(`membership timing ${k}=${t[k]} is invalid: use an integer >= 0`);
  }
  if (t.probeTimeout >= t.probeInterval) {
    throw new Error(`membership probeTimeout (${t.probeTimeout} ms) must be shorter than probeInterval (${t.probeInterval} ms): `
      + 'the indirect probes need the rest of the period');
  }
  return t;
}
