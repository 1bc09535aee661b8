import { describe, expect, it } from 'vitest';
import { ScheduleError, nextTicks, previousTick, validateSchedule } from './report-schedule.js';

const at = new Date('2026-03-01T10:17:00Z');

describe('report schedules', () => {
  it('accepts a daily schedule and gives its next ticks in UTC', () => {
    expect(validateSchedule(' 0  0 * * * ', at)).toBe('0 0 * * *');
    expect(nextTicks('0 0 * * *', at, 2).map((d) => d.toISOString())).toEqual([
      '2026-03-02T00:00:00.000Z',
      '2026-03-03T00:00:00.000Z',
    ]);
  });

  it('finds the tick at or before a moment', () => {
    expect(previousTick('0 * * * *', at)?.toISOString()).toBe('2026-03-01T10:00:00.000Z');
    expect(previousTick('0 * * * *', new Date('2026-03-01T10:00:00Z'))?.toISOString()).toBe(
      '2026-03-01T10:00:00.000Z',
    );
  });

  it('refuses expressions that are not five-field cron', () => {
    expect(() => validateSchedule('every day', at)).toThrow(ScheduleError);
    expect(() => validateSchedule('0 0 * *', at)).toThrow(/five fields/);
    expect(() => validateSchedule('0 0 0 * * *', at)).toThrow(/five fields/);
    expect(() => validateSchedule('61 * * * *', at)).toThrow(/not a valid cron/);
  });

  it('caps a report at 12 ticks an hour, as Calico does', () => {
    expect(validateSchedule('*/5 * * * *', at)).toBe('*/5 * * * *');
    expect(() => validateSchedule('*/4 * * * *', at)).toThrow(/12 times an hour/);
    expect(() => validateSchedule('0,1 * * * *', at)).toThrow(/12 times an hour/);
  });
});
