import { describe, expect, it } from 'vitest'
import type { JobView } from '@/api/jobs'
import { type Step, stepRows } from '../steps'

function job(state: JobView['state'], steps: Step[] | null, fields: Partial<JobView> = {}): JobView {
  return {
    id: '0190a1b2-0000-7000-8000-00000000j0b1',
    kind: 'provision',
    state,
    attempts: 1,
    run_after: '2026-12-01T09:00:00Z',
    created_at: '2026-12-01T09:00:00Z',
    updated_at: '2026-12-01T09:00:01Z',
    report: steps && { ok: !steps.some((s) => s.status === 'failed'), steps, subscribers_total: 2 },
    ...fields,
  }
}

const states = (j: JobView) => stepRows(j).map((r) => `${r.kind}:${r.state}`)

describe('the provisioning step report', () => {
  it('shows every stage pending while the job waits in the queue', () => {
    expect(new Set(stepRows(job('pending', null)).map((r) => r.state))).toEqual(new Set(['pending']))
  })

  it('marks the stages reported so far, the next one running and the rest pending', () => {
    const j = job('running', [
      { step: 'check_domain', status: 'unchanged' },
      { step: 'voice_application', status: 'created', cloudonix_id: '77' },
    ])
    expect(states(j)).toEqual([
      'check_domain:done',
      'voice_application:done',
      'default_application:running',
      'domain_profile:pending',
      'subscriber:pending',
      'save_settings:pending',
    ])
    expect(stepRows(j)[1]!.detail).toBe('created')
  })

  it('counts subscribers as they go and lists the ones that failed with the reason', () => {
    const before: Step[] = [
      { step: 'check_domain', status: 'unchanged' },
      { step: 'voice_application', status: 'unchanged' },
      { step: 'default_application', status: 'unchanged' },
      { step: 'domain_profile', status: 'updated' },
    ]
    const halfway = job('running', [...before, { step: 'subscriber', status: 'created', target: '301' }])
    const subscribers = stepRows(halfway)[4]!
    expect(subscribers).toMatchObject({ state: 'running', detail: '1 of 2' })
    expect(stepRows(halfway)[5]!.state).toBe('pending')

    const failed = job('done', [
      ...before,
      { step: 'subscriber', status: 'created', target: '301' },
      { step: 'subscriber', status: 'failed', target: '302', detail: 'Cloudonix answered 400: msisdn taken' },
      { step: 'save_settings', status: 'updated' },
    ])
    const row = stepRows(failed)[4]!
    expect(row).toMatchObject({ state: 'failed', detail: '2 of 2, 1 failed' })
    expect(row.failures).toEqual([
      expect.objectContaining({ target: '302', detail: expect.stringContaining('400') }),
    ])
    expect(stepRows(failed)[5]!.state).toBe('done')
  })

  it('gives the reason of a failed stage and shows what was skipped after it', () => {
    const j = job('done', [
      { step: 'check_domain', status: 'failed', detail: 'Cloudonix refused the API key (401)' },
      { step: 'voice_application', status: 'skipped', detail: 'the domain could not be checked' },
    ])
    const rows = stepRows(j)
    expect(rows[0]).toMatchObject({ state: 'failed', detail: 'Cloudonix refused the API key (401)' })
    expect(rows[1]).toMatchObject({ state: 'skipped', detail: 'the domain could not be checked' })
  })

  it('leaves a job that gave up halfway through the subscribers failed there, not running', () => {
    const j = job('failed', [
      { step: 'check_domain', status: 'unchanged' },
      { step: 'voice_application', status: 'unchanged' },
      { step: 'default_application', status: 'unchanged' },
      { step: 'domain_profile', status: 'unchanged' },
      { step: 'subscriber', status: 'created', target: '301' },
    ])
    j.report!.next_page = 2
    expect(states(j).slice(4)).toEqual(['subscriber:failed', 'save_settings:pending'])
  })

  it('calls an organization without extensions done at the subscriber stage once a later stage ran', () => {
    const j = job('done', [
      { step: 'check_domain', status: 'unchanged' },
      { step: 'voice_application', status: 'unchanged' },
      { step: 'default_application', status: 'unchanged' },
      { step: 'domain_profile', status: 'unchanged' },
      { step: 'save_settings', status: 'updated' },
    ])
    j.report!.subscribers_total = 0
    expect(stepRows(j)[4]).toMatchObject({ state: 'done', detail: 'no extensions' })
  })
})
