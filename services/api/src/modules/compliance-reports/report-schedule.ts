// Report schedules: standard five-field cron in UTC, as Calico's GlobalReport `spec.schedule`.
// Each tick closes the interval that began at the previous tick. Calico caps a report at 12
// ticks an hour; so do we, checked as "no two ticks closer than 5 minutes" over the next two
// days of ticks, which catches every expression that would exceed the cap in any hour.
import { CronExpressionParser } from 'cron-parser';

export const MIN_TICK_GAP_MS = 5 * 60_000;
const GAP_CHECK_TICKS = 600;

export class ScheduleError extends Error {
  override readonly name = 'ScheduleError';
}

function parse(schedule: string, after: Date) {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5)
    throw new ScheduleError('must be a cron expression of five fields: minute hour day month weekday');
  try {
    return CronExpressionParser.parse(fields.join(' '), { currentDate: after, tz: 'UTC', strict: false });
  } catch (err) {
    throw new ScheduleError(`is not a valid cron expression: ${(err as Error).message}`);
  }
}

/** Throws ScheduleError when the schedule is unusable; returns its canonical text. */
export function validateSchedule(schedule: string, now = new Date()): string {
  const expr = parse(schedule, now);
  let prev: number | null = null;
  for (let i = 0; i < GAP_CHECK_TICKS && expr.hasNext(); i++) {
    const t = expr.next().getTime();
    if (prev !== null && t - prev < MIN_TICK_GAP_MS)
      throw new ScheduleError('runs more than 12 times an hour (ticks must be at least 5 minutes apart)');
    prev = t;
  }
  if (prev === null) throw new ScheduleError('never runs');
  return schedule.trim().split(/\s+/).join(' ');
}

/** The next `count` ticks strictly after `after`. */
export function nextTicks(schedule: string, after: Date, count: number): Date[] {
  const expr = parse(schedule, after);
  const out: Date[] = [];
  while (out.length < count && expr.hasNext()) out.push(expr.next().toDate());
  return out;
}

/** The last tick at or before `at` (null if none within the parser's range). */
export function previousTick(schedule: string, at: Date): Date | null {
  const expr = parse(schedule, new Date(at.getTime() + 1));
  return expr.hasPrev() ? expr.prev().toDate() : null;
}
