import { describe, expect, it } from 'vitest'
import { type FlowEdgeLike, HEADER_HEIGHT, NODE_WIDTH, depths, layout, nodeHeight } from '../layout'

const node = (key: string, notes: string[] = []) => ({ key, name: key, notes })
const edge = (from: string, to: string, label = `${from}→${to}`): FlowEdgeLike => ({ from, to, label })

describe('the call-flow layout', () => {
  it('puts each node at its shortest depth from the number, in the order the walk met them', () => {
    const nodes = ['number', 'hours', 'menu', 'team', 'alice', 'mailbox'].map((k) => node(k))
    const edges = [
      edge('number', 'hours'),
      edge('hours', 'menu', 'open'),
      edge('hours', 'mailbox', 'closed'),
      edge('menu', 'team', 'press 1'),
      edge('team', 'alice', 'rings'),
      edge('team', 'mailbox', 'fallback'),
    ]
    const { layers, wires } = layout('number', nodes, edges)
    expect(layers.map((l) => l.map((p) => p.node.key))).toEqual([
      ['number'],
      ['hours'],
      ['menu', 'mailbox'],
      ['team'],
      ['alice'],
    ])
    // The fallback to a mailbox drawn at an earlier depth is a wire back to it, not a second
    // mailbox; it closes no loop (the mailbox leads nowhere).
    const team = layers[3]![0]!
    expect(team.exits).toEqual([
      { label: 'rings', to: 'alice', loop: false },
      { label: 'fallback', to: 'mailbox', loop: false },
    ])
    const mailbox = layers[2]![1]!
    const fallback = wires.find((w) => w.from === 'team' && w.to === 'mailbox')!
    expect(fallback.d.endsWith(`${mailbox.x},${mailbox.y + HEADER_HEIGHT / 2}`)).toBe(true)
  })

  it('draws a loop once: an option back to the hours and a menu to itself close loops', () => {
    const nodes = [node('number'), node('hours'), node('menu', ['direct dial']), node('menu'), node('hangup')]
    const edges = [
      edge('number', 'hours'),
      edge('hours', 'menu', 'open'),
      edge('menu', 'hours', 'press 2'),
      edge('menu', 'menu', 'no input 3×'),
      edge('menu', 'hangup', 'invalid input 3×'),
    ]
    const { layers, wires } = layout('number', nodes, edges)
    const keys = layers.flat().map((p) => p.node.key)
    expect(keys).toEqual(['number', 'hours', 'menu', 'hangup'])
    expect(wires.map((w) => [w.from, w.to, w.loop])).toEqual([
      ['number', 'hours', false],
      ['hours', 'menu', false],
      ['menu', 'hours', true],
      ['menu', 'menu', true],
      ['menu', 'hangup', false],
    ])
    // A node's height holds its title, its notes and one row per way out.
    const menu = layers[2]![0]!
    expect(menu.height).toBe(nodeHeight(1, 3))
    // Wires start at their row on the right edge and end at the target's left edge.
    const back = wires.find((w) => w.from === 'menu' && w.to === 'hours')!
    const hours = layers[1]![0]!
    expect(back.d.startsWith(`M${menu.x + NODE_WIDTH},`)).toBe(true)
    expect(back.d.endsWith(`${hours.x},${hours.y + HEADER_HEIGHT / 2}`)).toBe(true)
  })

  it('stacks a layer without overlap and sizes the drawing to hold everything', () => {
    const nodes = [node('number'), node('a', ['x', 'y']), node('b'), node('c')]
    const edges = [edge('number', 'a'), edge('number', 'b'), edge('number', 'c')]
    const { layers, width, height } = layout('number', nodes, edges)
    const [a, b, c] = layers[1]!
    expect(b!.y).toBeGreaterThanOrEqual(a!.y + a!.height)
    expect(c!.y).toBeGreaterThanOrEqual(b!.y + b!.height)
    expect(height).toBeGreaterThanOrEqual(c!.y + c!.height)
    expect(width).toBeGreaterThanOrEqual(a!.x + NODE_WIDTH)
  })

  it('leaves nothing out: a node the number cannot reach goes last, wires to unknown nodes are dropped', () => {
    expect(depths('r', ['r', 'a', 'lost'], [edge('r', 'a')])).toEqual(
      new Map([
        ['r', 0],
        ['a', 1],
        ['lost', 2],
      ]),
    )
    const { wires } = layout('r', [node('r')], [edge('r', 'gone')])
    expect(wires).toEqual([])
  })
})
