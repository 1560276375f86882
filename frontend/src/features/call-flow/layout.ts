// Lays a call flow out in layers by depth: the phone number on the left, then everything one step
// away, and so on. Each node lists its ways out as rows ("press 1 (Sales)", "closed"); a wire runs
// from a row to the node it leads to, which is drawn once however many ways lead to it. A way
// that closes a loop (a menu's "no input" to itself, an option back to the business hours) is
// marked as one: it leads back to a node the call came through.

export interface FlowNodeLike {
  key: string
  name: string
  notes: string[]
}

export interface FlowEdgeLike {
  from: string
  to: string
  label: string
}

export interface Exit {
  label: string
  to: string
  /** Closes a loop: it goes back up the layers to a node that leads here. */
  loop: boolean
}

export interface Placed<N extends FlowNodeLike> {
  node: N
  depth: number
  x: number
  y: number
  height: number
  exits: Exit[]
}

export interface Wire {
  from: string
  to: string
  loop: boolean
  /** SVG path data, from the exit row's right edge to the target's left edge. */
  d: string
}

export interface Layout<N extends FlowNodeLike> {
  /** Nodes by depth, each depth in the order the walk met them. */
  layers: Placed<N>[][]
  wires: Wire[]
  width: number
  height: number
}

export const NODE_WIDTH = 232
export const HEADER_HEIGHT = 52
export const LINE_HEIGHT = 22
const GAP_X = 88
const GAP_Y = 20
const PAD = 16
const BOTTOM = 8

export function nodeHeight(notes: number, exits: number): number {
  return HEADER_HEIGHT + (notes + exits) * LINE_HEIGHT + BOTTOM
}

/** Depth of each node: its shortest distance from the root (nodes the root cannot reach go last). */
export function depths(root: string, keys: string[], edges: FlowEdgeLike[]): Map<string, number> {
  const out = new Map<string, number>([[root, 0]])
  const queue = [root]
  for (let i = 0; i < queue.length; i++) {
    const from = queue[i]!
    for (const e of edges) {
      if (e.from !== from || out.has(e.to) || !keys.includes(e.to)) continue
      out.set(e.to, out.get(from)! + 1)
      queue.push(e.to)
    }
  }
  const last = Math.max(0, ...out.values()) + 1
  for (const key of keys) if (!out.has(key)) out.set(key, last)
  return out
}

/** Whether `from` leads to `to`, in any number of steps (or none). */
function leads(from: string, to: string, edges: FlowEdgeLike[]): boolean {
  const seen = new Set([from])
  const queue = [from]
  for (let i = 0; i < queue.length; i++) {
    if (queue[i] === to) return true
    for (const e of edges) {
      if (e.from === queue[i] && !seen.has(e.to)) {
        seen.add(e.to)
        queue.push(e.to)
      }
    }
  }
  return false
}

export function layout<N extends FlowNodeLike>(root: string, nodes: N[], edges: FlowEdgeLike[]): Layout<N> {
  // A node the API sent twice is drawn once, as first sent.
  const unique = nodes.filter((n, i) => nodes.findIndex((m) => m.key === n.key) === i)
  const keys = unique.map((n) => n.key)
  const depth = depths(root, keys, edges)
  // The walk's order of discovery keeps a menu's options in the order it lists them.
  const order = [...depth.entries()].sort((a, b) => a[1] - b[1]).map(([k]) => k)
  const byKey = new Map(unique.map((n) => [n.key, n]))
  const layers: Placed<N>[][] = []
  const placed = new Map<string, Placed<N>>()
  for (const key of order) {
    const node = byKey.get(key)!
    const d = depth.get(key)!
    const exits = edges
      .filter((e) => e.from === key && byKey.has(e.to))
      // Of a loop's ways, the one going back up the layers closes it.
      .map((e) => ({ label: e.label, to: e.to, loop: depth.get(e.to)! <= d && leads(e.to, key, edges) }))
    const layer = (layers[d] ??= [])
    const above = layer.at(-1)
    const p: Placed<N> = {
      node,
      depth: d,
      x: PAD + d * (NODE_WIDTH + GAP_X),
      y: above ? above.y + above.height + GAP_Y : PAD,
      height: nodeHeight(node.notes.length, exits.length),
      exits,
    }
    layer.push(p)
    placed.set(key, p)
  }
  const filled = layers.filter(Boolean)
  const wires: Wire[] = []
  for (const p of placed.values()) {
    p.exits.forEach((exit, i) => {
      const target = placed.get(exit.to)!
      const x1 = p.x + NODE_WIDTH
      const y1 = p.y + HEADER_HEIGHT + (p.node.notes.length + i + 0.5) * LINE_HEIGHT
      const x2 = target.x
      const y2 = target.y + HEADER_HEIGHT / 2
      // Forward wires bend once; wires to a node in the same or an earlier layer swing out to the
      // right and come round above, so they read as going back rather than crossing the node they
      // leave.
      const back = x2 <= x1
      const reach = back ? GAP_X * 0.8 : (x2 - x1) / 2
      const d = back
        ? `M${x1},${y1} C${x1 + reach},${y1} ${x1 + reach},${Math.min(y1, y2) - 24} ${(x1 + x2) / 2},${Math.min(y1, y2) - 24} S${x2 - reach},${y2} ${x2},${y2}`
        : `M${x1},${y1} C${x1 + reach},${y1} ${x2 - reach},${y2} ${x2},${y2}`
      wires.push({ from: p.node.key, to: exit.to, loop: exit.loop, d })
    })
  }
  const width = PAD * 2 + filled.length * NODE_WIDTH + Math.max(0, filled.length - 1) * GAP_X
  const height = PAD + Math.max(0, ...[...placed.values()].map((p) => p.y + p.height)) + PAD
  return { layers: filled, wires, width, height }
}
