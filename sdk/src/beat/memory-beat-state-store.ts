import type { BeatEntryState, BeatStateStore } from "./beat-state-store.js";

/** A beat state kept in memory only (a beat that starts afresh each run, or a test's); `states` is the live map. */
export class MemoryBeatStateStore implements BeatStateStore {
  constructor(readonly states = new Map<string, BeatEntryState>()) {}

  async load(): Promise<Map<string, BeatEntryState>> {
    return new Map(this.states);
  }

  async reserve(name: string, state: BeatEntryState): Promise<boolean> {
    this.states.set(name, state);
    return true;
  }

  async flush(): Promise<void> {}
}
