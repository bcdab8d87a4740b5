// celery-proto/beat: periodic tasks (`celery beat` for this SDK). Apart from the root so that a producer does not
// load the schedule machinery (crontab, solar events through astronomy-engine, YAML schedule files).
export { CrontabSchedule, parseCronExpression, type CrontabFields, type CrontabScheduleOptions } from "./crontab-schedule.js";
export { IntervalSchedule, type IntervalScheduleOptions } from "./interval-schedule.js";
export { SolarSchedule, SOLAR_EVENTS, type SolarEventName } from "./solar-schedule.js";
export type { Schedule, ScheduleState } from "./schedule-state.js";
export type { CrontabFieldSpec } from "./parse-crontab-field.js";
export {
  loadBeatSchedule,
  compileBeatSchedule,
  beatScheduleFromSettings,
  type BeatEntryDefinition,
  type BeatScheduleDefinition,
} from "./load-beat-schedule.js";
export { BeatService, type BeatServiceOptions, type BeatLogLevel } from "./beat-service.js";
export { FileBeatStateStore, type BeatStateStore, type BeatEntryState } from "./beat-state-store.js";
export { RedisBeatLease, type RedisBeatLeaseOptions } from "./redis-beat-lease.js";
