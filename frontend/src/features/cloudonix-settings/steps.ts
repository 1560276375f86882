import type { Schemas } from '@/api/client'
import type { JobView } from '@/api/jobs'

export type StepKind = Schemas['StepKind']
export type Step = Schemas['Step']
export type RowState = 'pending' | 'running' | 'done' | 'failed' | 'skipped'

/** One line of the step report: a provisioning stage and how far it got. */
interface StepRow {
  kind: StepKind
  label: string
  state: RowState
  /** What happened (`created`, `3 of 5`), or why it failed or was skipped. */
  detail: string | null
  /** The subscribers that failed, with their extension numbers. */
  failures: Step[]
}

// The order provisioning runs its stages in (shared/src/cloudonix/provision.rs), one subscriber
// step per extension.
const stages: [StepKind, string][] = [
  ['check_domain', 'Check the domain'],
  ['voice_application', 'Voice application'],
  ['default_application', 'Default application of the domain'],
  ['domain_profile', 'Domain profile (webhook key, session and CDR endpoints)'],
  ['subscriber', 'Subscribers, one per extension'],
  ['save_settings', 'Save the settings'],
]

const outcome: Record<Schemas['StepStatus'], RowState> = {
  created: 'done',
  updated: 'done',
  unchanged: 'done',
  failed: 'failed',
  skipped: 'skipped',
}

function single(kind: StepKind, label: string, step: Step): StepRow {
  const state = outcome[step.status]
  return {
    kind,
    label,
    state,
    detail: state === 'done' ? step.status : (step.detail ?? null),
    failures: [],
  }
}

function subscribers(label: string, report: Schemas['ProvisionReport'], active: boolean): StepRow | null {
  const steps = report.steps.filter((s) => s.step === 'subscriber')
  const total = report.subscribers_total
  const finished = report.next_page == null && steps.length >= total
  // Nothing to do and nothing reported: known finished once a later stage is.
  if (!finished && steps.length === 0) return null
  const failures = steps.filter((s) => s.status === 'failed')
  // A job that stopped (failed) halfway through the subscribers leaves the rest undone.
  const state: RowState = !finished ? (active ? 'running' : 'failed') : failures.length ? 'failed' : 'done'
  const skipped = steps.filter((s) => s.status === 'skipped').length
  const parts = [total === 0 ? 'no extensions' : `${steps.length} of ${total}`]
  if (failures.length) parts.push(`${failures.length} failed`)
  if (skipped) parts.push(`${skipped} skipped (inactive)`)
  return { kind: 'subscriber', label, state, detail: parts.join(', '), failures }
}

/**
 * The stages of a provisioning job as rows: those reported so far with their outcome, the next
 * one running while the job runs, the rest pending.
 */
export function stepRows(job: JobView): StepRow[] {
  const report = job.report
  const rows: StepRow[] = []
  let waiting = false
  const active = job.state === 'pending' || job.state === 'running'
  for (const [kind, label] of stages) {
    let row: StepRow | null = null
    if (report && !waiting) {
      if (kind === 'subscriber') {
        const later = report.steps.some((s) => s.step === 'save_settings')
        row = subscribers(label, report, active)
        if (!row && later) row = { kind, label, state: 'done', detail: 'no extensions', failures: [] }
      } else {
        const step = report.steps.find((s) => s.step === kind)
        if (step) row = single(kind, label, step)
      }
    }
    if (!row || row.state === 'running') {
      if (!row) {
        const state: RowState = !waiting && job.state === 'running' ? 'running' : 'pending'
        row = { kind, label, state, detail: null, failures: [] }
      }
      waiting = true
    }
    rows.push(row)
  }
  return rows
}
