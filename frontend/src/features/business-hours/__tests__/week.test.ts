import { describe, expect, it } from 'vitest'
import { clock, describe as say, duration, overlapping, parseClock, segments, weeklyMinutes } from '../week'

const range = (weekday: number, from: string, to: string) => ({
  weekday,
  start_minute: parseClock(from)!,
  end_minute: parseClock(to)!,
})

describe('week-grid range maths', () => {
  it('reads and writes clock times, 24:00 included', () => {
    expect(parseClock('09:30')).toBe(570)
    expect(parseClock('24:00')).toBe(1440)
    expect(parseClock('24:01')).toBeNull()
    expect(parseClock('12:60')).toBeNull()
    expect(parseClock('9:30')).toBeNull()
    expect(clock(570)).toBe('09:30')
    expect(clock(1440)).toBe('24:00')
  })

  it('keeps a daytime range on its own day', () => {
    const monday = range(1, '09:00', '17:00')
    expect(segments([monday])).toEqual([{ weekday: 1, start: 540, end: 1020, range: 0 }])
    expect(duration(monday)).toBe(480)
    expect(say(monday)).toBe('Monday 09:00–17:00')
  })

  it('cuts a range that crosses midnight into two days, Sunday into Monday', () => {
    const friday = range(5, '22:00', '06:00')
    expect(segments([friday])).toEqual([
      { weekday: 5, start: 1320, end: 1440, range: 0 },
      { weekday: 6, start: 0, end: 360, range: 0 },
    ])
    expect(duration(friday)).toBe(480)
    expect(say(friday)).toBe('Friday 22:00 to Saturday 06:00')
    expect(segments([range(7, '23:00', '01:00')]).map((s) => s.weekday)).toEqual([7, 1])
  })

  it('treats an end of midnight as the end of the day, and start = end as 24 hours', () => {
    expect(segments([range(2, '18:00', '00:00')])).toEqual([{ weekday: 2, start: 1080, end: 1440, range: 0 }])
    expect(say(range(2, '18:00', '00:00'))).toBe('Tuesday 18:00 to midnight')
    expect(duration(range(3, '00:00', '00:00'))).toBe(1440)
    expect(say(range(3, '00:00', '00:00'))).toBe('Wednesday, all day')
    expect(say(range(3, '00:00', '24:00'))).toBe('Wednesday, all day')
    expect(say(range(3, '12:00', '12:00'))).toBe('Wednesday 12:00, for 24 hours')
    expect(segments([range(3, '12:00', '12:00')])).toEqual([
      { weekday: 3, start: 720, end: 1440, range: 0 },
      { weekday: 4, start: 0, end: 720, range: 0 },
    ])
  })

  it('finds ranges open at the same time, across midnight and the week end', () => {
    expect(overlapping([range(1, '09:00', '12:00'), range(1, '12:00', '17:00')])).toEqual([])
    expect(overlapping([range(1, '09:00', '12:00'), range(1, '11:00', '17:00')])).toEqual([1])
    expect(overlapping([range(5, '22:00', '06:00'), range(6, '05:00', '09:00')])).toEqual([1])
    expect(overlapping([range(7, '22:00', '02:00'), range(1, '01:00', '03:00')])).toEqual([1])
    expect(overlapping([range(1, '09:00', '17:00'), range(2, '09:00', '17:00')])).toEqual([])
  })

  it('counts open hours a week once, however ranges overlap', () => {
    const weekdays = [1, 2, 3, 4, 5].map((d) => range(d, '09:00', '17:00'))
    expect(weeklyMinutes(weekdays)).toBe(5 * 480)
    expect(weeklyMinutes([range(1, '09:00', '12:00'), range(1, '11:00', '13:00')])).toBe(240)
    expect(weeklyMinutes([range(7, '22:00', '02:00'), range(1, '01:00', '03:00')])).toBe(300)
    expect(weeklyMinutes([])).toBe(0)
  })
})
