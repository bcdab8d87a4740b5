import type { BeatEntryState, BeatStateStore } from "../../../sdk/src/beat/beat-state-store.js";

/** A beat state kept in memory only: a ts-beat-to-celery case's beat starts afresh (every entry anchored at its start). */
export class MemoryBeatStateStore implements BeatStateStore {
  private readonly states = new Map<string, BeatEntryState>();

  async load(): Promise<Map<string, BeatEntryState>> {
    return new Map(this.states);
  }

  async reserve(name: string, state: BeatEntryState): Promise<boolean> {
    this.states.set(name, state);
    return true;
  }

  async flush(): Promise<void> {}
}
