import { describe, expect, it } from 'vitest'
import { addDays, bucketLabels, bucketOf, dashboardSearch, periodLabel, periodOf, presets } from '../period'
import { axisMax } from '../scale'

describe('dashboard period', () => {
  it('keeps two ordered dates within a year from the URL and drops anything else', () => {
    expect(dashboardSearch({ from: '2026-03-28', to: '2026-03-30' })).toEqual({
      from: '2026-03-28',
      to: '2026-03-30',
    })
    expect(dashboardSearch({ from: '2026-03-30', to: '2026-03-28' })).toEqual({})
    expect(dashboardSearch({ from: '2026-03-30' })).toEqual({})
    expect(dashboardSearch({ from: '2026-3-1', to: '2026-03-02' })).toEqual({})
    expect(dashboardSearch({ from: '2025-01-01', to: '2026-03-01' })).toEqual({})
    expect(periodOf({}, '2026-03-29')).toEqual({ from: '2026-03-29', to: '2026-03-29' })
  })

  it('reads one day hour by hour and longer periods day by day', () => {
    expect(bucketOf({ from: '2026-03-29', to: '2026-03-29' })).toBe('hour')
    expect(bucketOf({ from: '2026-03-28', to: '2026-03-29' })).toBe('day')
  })

  it('counts presets back from the organization’s today, across month ends', () => {
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28')
    expect(presets('2026-03-01').map((p) => [p.label, p.period.from, p.period.to])).toEqual([
      ['Today', '2026-03-01', '2026-03-01'],
      ['Yesterday', '2026-02-28', '2026-02-28'],
      ['Last 7 days', '2026-02-23', '2026-03-01'],
      ['Last 30 days', '2026-01-31', '2026-03-01'],
    ])
  })
})

describe('bucket labels', () => {
  it('name hours by the local clock, with the offset only for the hour that happens twice', () => {
    // London, 25 October 2026: clocks go back at 02:00 BST, so 01:00 comes twice.
    const starts = [
      '2026-10-25T00:00+01:00',
      '2026-10-25T01:00+01:00',
      '2026-10-25T01:00+00:00',
      '2026-10-25T02:00+00:00',
    ]
    expect(bucketLabels(starts, 'hour')).toEqual(['00:00', '01:00 +01:00', '01:00 +00:00', '02:00'])
    // Spring forward: 01:00 never happened, nothing is invented for it.
    expect(bucketLabels(['2026-03-29T00:00+00:00', '2026-03-29T02:00+01:00'], 'hour')).toEqual([
      '00:00',
      '02:00',
    ])
    // A half-hour zone's first bucket starts where the period does.
    expect(bucketLabels(['2026-01-01T05:45+05:45', '2026-01-01T06:00+05:45'], 'hour')).toEqual([
      '05:45',
      '06:00',
    ])
  })

  it('name days by the local date, whatever the browser’s zone', () => {
    // Local midnight in Auckland is the previous day in UTC: the label is still the local date.
    expect(bucketLabels(['2026-03-29T00:00+13:00', '2026-03-30T00:00+13:00'], 'day', 'en-US')).toEqual([
      'Sun, Mar 29',
      'Mon, Mar 30',
    ])
    expect(periodLabel({ from: '2026-03-29', to: '2026-03-29' }, 'en-US')).toBe('Sun, Mar 29')
    expect(periodLabel({ from: '2026-03-01', to: '2026-03-30' }, 'en-US')).toBe('Mar 1 – Mar 30')
  })
})

describe('chart axis', () => {
  it('rounds the top up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 3, 7, 10, 11, 26, 180].map(axisMax)).toEqual([1, 1, 5, 10, 10, 20, 50, 200])
  })
})
