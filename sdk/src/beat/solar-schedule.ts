import { Body, GeoVector, Observer, SearchAltitude, SearchHourAngle } from "astronomy-engine";
import { CeleryProtoError } from "../errors/celery-proto-error.js";
import type { Schedule, ScheduleState } from "./schedule-state.js";

export const SOLAR_EVENTS = [
  "dawn_astronomical",
  "dawn_nautical",
  "dawn_civil",
  "sunrise",
  "solar_noon",
  "sunset",
  "dusk_civil",
  "dusk_nautical",
  "dusk_astronomical",
] as const;
export type SolarEventName = (typeof SOLAR_EVENTS)[number];

const DAY_MS = 86_400_000;
/** Celery's ephem horizons in degrees; sunrise/sunset are of the upper limb (`use_center=False`), the others of the centre. */
const HORIZON: Readonly<Record<SolarEventName, number>> = {
  dawn_astronomical: -18,
  dawn_nautical: -12,
  dawn_civil: -6,
  sunrise: -34 / 60,
  solar_noon: 0,
  sunset: -34 / 60,
  dusk_civil: -6,
  dusk_nautical: -12,
  dusk_astronomical: -18,
};
/** The Sun's angular radius at 1 AU, degrees. */
const SUN_RADIUS_AT_1AU = 959.63 / 3600;

/**
 * Celery's `solar(event, lat, lon)`: the next time after `last_run_at` that the Sun reaches the event's altitude
 * (ephem with `pressure=0`, i.e. without refraction, elevation 0). Computed with astronomy-engine; it agrees with
 * Celery's ephem within seconds (the differential test allows one minute). An event that does not happen every day at
 * high latitudes is searched for up to 366 days ahead, as Celery 5.7 does.
 */
export class SolarSchedule implements Schedule {
  private readonly observer: Observer;

  constructor(
    readonly event: SolarEventName,
    readonly lat: number,
    readonly lon: number,
  ) {
    if (!(SOLAR_EVENTS as readonly string[]).includes(event)) {
      throw new CeleryProtoError("InvalidOption", `solar: event ${JSON.stringify(event)} is invalid, must be one of ${[...SOLAR_EVENTS].sort().join(", ")}`);
    }
    if (!(lat >= -90 && lat <= 90)) throw new CeleryProtoError("InvalidOption", `lat: latitude ${lat} is invalid, must be between -90 and 90`);
    if (!(lon >= -180 && lon <= 180)) throw new CeleryProtoError("InvalidOption", `lon: longitude ${lon} is invalid, must be between -180 and 180`);
    this.observer = new Observer(lat, lon, 0);
  }

  describe(): string {
    return `<solar: ${this.event} at latitude ${this.lat}, longitude: ${this.lon}>`;
  }

  /** The instant (epoch ms) of the first occurrence of the event after `lastRunAtMs`. */
  nextEventAfter(lastRunAtMs: number): number {
    const start = new Date(lastRunAtMs);
    if (this.event === "solar_noon") return SearchHourAngle(Body.Sun, this.observer, 0, start, +1).time.date.getTime();
    const direction = this.event.startsWith("dawn") || this.event === "sunrise" ? +1 : -1;
    let altitude = HORIZON[this.event];
    let found = SearchAltitude(Body.Sun, this.observer, direction, start, 366, limb(altitude, this.event, start));
    if (found !== null && (this.event === "sunrise" || this.event === "sunset")) {
      // Refine the upper-limb correction with the Sun's distance on the day itself.
      altitude = limb(HORIZON[this.event], this.event, found.date);
      found = SearchAltitude(Body.Sun, this.observer, direction, start, 366, altitude);
    }
    return found === null ? lastRunAtMs + 366 * DAY_MS : found.date.getTime();
  }

  remainingEstimate(lastRunAtMs: number, nowMs: number): number {
    return this.nextEventAfter(lastRunAtMs) - nowMs;
  }

  isDue(lastRunAtMs: number, nowMs: number): ScheduleState {
    let rem = Math.max(this.remainingEstimate(lastRunAtMs, nowMs), 0);
    const isDue = rem === 0;
    if (isDue) rem = Math.max(this.remainingEstimate(nowMs, nowMs), 0);
    return { isDue, nextSeconds: rem / 1000 };
  }
}

/** The altitude of the Sun's centre when its upper limb is at `horizon` (sunrise/sunset); the centre otherwise. */
function limb(horizon: number, event: SolarEventName, at: Date): number {
  if (event !== "sunrise" && event !== "sunset") return horizon;
  return horizon - SUN_RADIUS_AT_1AU / GeoVector(Body.Sun, at, false).Length();
}
