import type { ReceivedEvent } from "../../../sdk/src/events/event-receiver-options.js";

/** Another worker as gossip knows it: the fields of its last `worker-*` event and when its heartbeats arrived. */
export interface GossipPeer {
  /** Its node name (`celery@host`). */
  readonly hostname: string;
  readonly pid: number | null;
  /** Seconds between its heartbeats (60 until an event says otherwise, as Celery's `Worker`). */
  readonly freq: number;
  /** Its Lamport clock as of its last event. */
  readonly clock: number;
  readonly active: number | null;
  readonly processed: number | null;
  readonly loadavg: readonly number[] | null;
  readonly sw_ident: string | null;
  readonly sw_ver: string | null;
  readonly sw_sys: string | null;
  /** Epoch seconds (local) at which the last few (up to 4) of its events arrived, oldest first. */
  readonly heartbeats: readonly number[];
}

/** What one `worker-*` event did to the table. */
export type PeerChange = "joined" | "left" | null;

/** Celery's `Worker.heartbeat_max`: arrival times kept per worker. */
const HEARTBEATS_KEPT = 4;
/** Celery's `HEARTBEAT_EXPIRE_WINDOW` (percent of `freq` added after the last heartbeat). */
const EXPIRE_WINDOW = 200;
/** Celery's `HEARTBEAT_DRIFT_MAX`: seconds between an event's timestamp and its arrival before a drift warning. */
const DRIFT_MAX_SECONDS = 16;
/** Celery's `State(max_workers_in_memory=5000)`. */
const DEFAULT_MAX_WORKERS = 5000;
/** Celery's `_warn_drift` is memoized on the hostname (1000 entries): one warning per node. */
const DRIFT_WARNINGS_KEPT = 1000;

export interface PeerTableOptions {
  /** Workers kept; the oldest entry goes first. Default 5000 (Celery's `max_workers_in_memory`). */
  readonly maxWorkers?: number;
  /** Called once per node whose clock looks out of sync (Celery's drift warning text). */
  readonly onDrift?: (message: string) => void;
}

/** A peer while it is in the table (the public view is the frozen {@link GossipPeer}). */
interface PeerEntry {
  hostname: string;
  pid: number | null;
  freq: number;
  clock: number;
  active: number | null;
  processed: number | null;
  loadavg: readonly number[] | null;
  sw_ident: string | null;
  sw_ver: string | null;
  sw_sys: string | null;
  heartbeats: number[];
}

/**
 * The workers part of Celery's `events.State` as the Gossip step uses it (C:celery/events/state.py, `_event` and
 * `Worker.event`): a worker event of an unknown node, or any `worker-online`, is a join; `worker-offline` is a leave
 * and drops the node; each event's arrival time is a heartbeat when the event has a timestamp. A node is alive until
 * `freq * 2` seconds after its last heartbeat (`heartbeat_expires`).
 */
export class PeerTable {
  private readonly peers = new Map<string, PeerEntry>();
  private readonly maxWorkers: number;
  private readonly driftWarned = new Set<string>();

  constructor(private readonly options: PeerTableOptions = {}) {
    this.maxWorkers = options.maxWorkers ?? DEFAULT_MAX_WORKERS;
  }

  /** Applies one `worker-*` event (others are ignored); says whether the node joined or left. */
  apply(event: ReceivedEvent): PeerChange {
    const [group, subject] = splitType(event.type);
    if (group !== "worker" || typeof event.hostname !== "string") return null;
    const offline = subject === "offline";
    let peer = this.peers.get(event.hostname);
    const created = peer === undefined && !offline;
    if (peer === undefined) {
      peer = newEntry(event.hostname);
      if (!offline) this.insert(peer);
    }
    this.update(peer, event, offline);
    if (offline) {
      this.peers.delete(event.hostname);
      return "left";
    }
    return created || subject === "online" ? "joined" : null;
  }

  /** Celery's `Gossip.periodic`: removes and returns the nodes whose heartbeat expired (`missed heartbeat`). */
  sweepLost(now: number = Date.now() / 1000): GossipPeer[] {
    const lost: GossipPeer[] = [];
    for (const peer of this.peers.values()) if (!isAlive(peer, now)) lost.push(snapshot(peer));
    for (const peer of lost) this.peers.delete(peer.hostname);
    return lost;
  }

  /** The nodes seemingly alive now (`State.alive_workers()`), in the order they were first seen. */
  alive(now: number = Date.now() / 1000): GossipPeer[] {
    return [...this.peers.values()].filter((peer) => isAlive(peer, now)).map(snapshot);
  }

  /** Every node in the table, alive or not yet swept. */
  all(): GossipPeer[] {
    return [...this.peers.values()].map(snapshot);
  }

  private insert(peer: PeerEntry): void {
    if (this.peers.size >= this.maxWorkers) {
      const oldest = this.peers.keys().next();
      if (oldest.done !== true) this.peers.delete(oldest.value);
    }
    this.peers.set(peer.hostname, peer);
  }

  private update(peer: PeerEntry, event: ReceivedEvent, offline: boolean): void {
    if (typeof event["pid"] === "number") peer.pid = event["pid"];
    if (isPositive(event["freq"])) peer.freq = event["freq"];
    if (typeof event["clock"] === "number") peer.clock = event["clock"];
    if (typeof event["active"] === "number") peer.active = event["active"];
    if (typeof event["processed"] === "number") peer.processed = event["processed"];
    if (Array.isArray(event["loadavg"])) peer.loadavg = event["loadavg"].filter((n): n is number => typeof n === "number");
    for (const key of ["sw_ident", "sw_ver", "sw_sys"] as const) if (typeof event[key] === "string") peer[key] = event[key];
    if (offline) {
      peer.heartbeats.length = 0;
      return;
    }
    const timestamp = Number(event.timestamp);
    const received = Number(event.local_received);
    if (!(timestamp > 0) || !(received > 0)) return;
    const drift = Math.abs(Math.trunc(received) - Math.trunc(timestamp));
    if (drift > DRIFT_MAX_SECONDS) this.warnDrift(peer.hostname, drift, received, timestamp);
    if (peer.heartbeats.length > HEARTBEATS_KEPT - 1) peer.heartbeats.shift();
    const at = peer.heartbeats.findIndex((t) => t > received);
    if (at === -1) peer.heartbeats.push(received);
    else peer.heartbeats.splice(at, 0, received);
  }

  private warnDrift(hostname: string, drift: number, received: number, timestamp: number): void {
    if (this.driftWarned.has(hostname) || this.driftWarned.size >= DRIFT_WARNINGS_KEPT) return;
    this.driftWarned.add(hostname);
    this.options.onDrift?.(
      `Substantial drift from ${hostname} may mean clocks are out of sync.  Current drift is ${drift} seconds.  ` +
        `[orig: ${formatPythonDatetime(received)} recv: ${formatPythonDatetime(timestamp)}]`,
    );
  }
}

/** `worker-heartbeat` → ["worker", "heartbeat"] (Celery's `type.partition('-')`). */
function splitType(type: string): [string, string] {
  const dash = type.indexOf("-");
  return dash === -1 ? [type, ""] : [type.slice(0, dash), type.slice(dash + 1)];
}

function newEntry(hostname: string): PeerEntry {
  return { hostname, pid: null, freq: 60, clock: 0, active: null, processed: null, loadavg: null, sw_ident: null, sw_ver: null, sw_sys: null, heartbeats: [] };
}

function isPositive(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value > 0;
}

/** Celery's `Worker.alive`: a heartbeat seen, and now before `last heartbeat + freq * 2`. */
function isAlive(peer: PeerEntry, now: number): boolean {
  const last = peer.heartbeats.at(-1);
  return last !== undefined && now < last + peer.freq * (EXPIRE_WINDOW / 100);
}

function snapshot(peer: PeerEntry): GossipPeer {
  return Object.freeze({ ...peer, heartbeats: Object.freeze([...peer.heartbeats]) });
}

/** `str(datetime.fromtimestamp(seconds))`: local time, microseconds only when not zero. */
function formatPythonDatetime(seconds: number): string {
  const d = new Date(Math.floor(seconds * 1000));
  const pad = (n: number, width = 2): string => String(n).padStart(width, "0");
  const micros = Math.round((seconds - Math.floor(seconds)) * 1e6) % 1e6;
  const base = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  return micros === 0 ? base : `${base}.${pad(micros, 6)}`;
}
