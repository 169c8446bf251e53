// Shared shapes of the membership protocol (fast node-failure detection between speakers).

/** How this member sees another one. `suspect` still counts as live: only `dead` removes it. */
export type MemberState = 'alive' | 'suspect' | 'dead';

/** A member as given from outside (a Node and its InternalIP, a speaker Pod's IP). */
export interface MemberAddress {
  name: string;
  address: string;
  /** UDP port; the machine's default port (--ml-port) when omitted. */
  port?: number;
}

/** One change of a member's state as seen by this member. */
export interface MemberEvent {
  name: string;
  state: MemberState | 'removed';
  /** undefined for a member just added by setMembers */
  previous?: MemberState;
  incarnation: number;
  /** why: 'added', 'probe', 'gossip', 'suspicionTimeout', 'refuted', 'left', 'removed' */
  reason: string;
}

export type DropReason = 'malformed' | 'unauthenticated' | 'stale' | 'replayed';
export const DROP_REASONS: DropReason[] = ['malformed', 'unauthenticated', 'stale', 'replayed'];

/** Hooks for metrics; the UDP edge maps them to prom-client. */
export interface MembershipObserver {
  probe?(): void;
  drop?(reason: DropReason): void;
  failure?(name: string): void;
  /** a known member's packets started failing authentication (it holds another key) */
  keyMismatch?(name: string): void;
}

/** The subset of a pino logger the machine uses (structural, so the core does not import pino). */
export interface MembershipLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface Endpoint {
  address: string;
  port: number;
}
