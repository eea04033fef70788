import { describe, expect, it } from 'vitest'
import { labels, leaves, mapTree, ShapeError, tensor, zeros, zipTree, type Tensor } from '../../src/index.js'
import { childPath, pathUnder, showPath, walkTrees, zipTreeN } from '../../src/tree/tree.js'

const t = (...v: number[]) => tensor([v.length], v, 'float64')
const tree = () => ({ layers: [{ w: t(1, 2), b: t(3) }, {}, { w: t(4) }], step: 7, name: 'x', none: undefined })

describe('paths', () => {
  it('have one format: [i] for items, .k for keys, and the root is ""', () => {
    expect(childPath('', 2)).toBe('[2]')
    expect(childPath('[2]', 'w')).toBe('[2].w')
    expect(childPath('', 'opt')).toBe('opt')
    expect(childPath('opt', 0)).toBe('opt[0]')
    expect([pathUnder('params', '[0].w'), pathUnder('params', 'w'), pathUnder('params', ''), pathUnder('', 'w')]).toEqual(['params[0].w', 'params.w', 'params', 'w'])
    expect([showPath(''), showPath('a[1]')]).toEqual(['the root', 'a[1]'])
  })
  it('are what mapTree, leaves and zipTree report', () => {
    expect(leaves(tree()).map((l) => l.path)).toEqual(['layers[0].w', 'layers[0].b', 'layers[2].w'])
    const seen: string[] = []
    mapTree([t(1), { a: [t(2)] }], (x, p) => (seen.push(p), x))
    expect(seen).toEqual(['[0]', '[1].a[0]'])
  })
})

describe('mapTree', () => {
  it('maps tensor leaves (labels too), passes other leaves through and keeps the structure and key order', () => {
    const y = labels([1, 0], 2)
    const out = mapTree({ ...tree(), y }, (x) => ({ ...x, data: x.data.map((v) => v * 10) }) as Tensor)
    expect(Object.keys(out)).toEqual(['layers', 'step', 'name', 'none', 'y'])
    expect(Array.from(out.layers[0]!.w!.data)).toEqual([10, 20])
    expect(out.layers[1]).toEqual({})
    expect([out.step, out.name, out.none]).toEqual([7, 'x', undefined])
    expect(Array.from(out.y.data)).toEqual([10, 0])
  })
  it('leaves its input untouched', () => {
    const input = tree()
    mapTree(input, (x) => ({ ...x, data: new Float64Array(x.data.length) }))
    expect(Array.from(input.layers[0]!.w!.data)).toEqual([1, 2])
  })
  it('treats class instances and maps as leaves, and refuses a tree that contains itself', () => {
    const m = new Map([[1, 2]])
    expect(mapTree({ m }, (x) => x).m).toBe(m)
    const cyc: Record<string, unknown> = { w: t(1) }
    cyc.self = [cyc]
    expect(() => mapTree(cyc, (x) => x)).toThrow(new ShapeError('mapTree', 'at self[0] the tree refers to itself'))
  })
})

describe('zipTree', () => {
  it('combines leaves of one structure', () => {
    const s = zipTree([tree(), tree()], ([a, b]) => tensor([a!.shape[0]!], Array.from(a!.data, (v, i) => v + b!.data[i]!), 'float64'))
    expect(Array.from(s.layers[0]!.w!.data)).toEqual([2, 4])
  })
  it('names the path and both values when structures or shapes differ', () => {
    const other = tree()
    expect(() => zipTree([tree(), { ...other, layers: [other.layers[0]!, {}, { w: t(1, 2) }] }], ([a]) => a!)).toThrow(
      new ShapeError('zipTree', 'at layers[2].w one tree has [1] but another has [2]'),
    )
    expect(() => zipTree([tree(), { ...other, layers: [other.layers[0]!, {}] }], ([a]) => a!, '', 'adam')).toThrow(
      new ShapeError('adam', 'at layers tree 0 has an array of length 3 but tree 1 has an array of length 2 (the trees have different lengths)'),
    )
    expect(() => zipTree<unknown>([{ w: t(1), b: t(2) }, { w: t(1) }], ([a]) => a!)).toThrow("zipTree: at the root tree 1 has no key 'b' but tree 0 has one")
    expect(() => zipTree<unknown>([{ w: t(1) }, { w: t(1), v: t(2) }], ([a]) => a!)).toThrow("zipTree: at the root tree 1 has a key 'v' that tree 0 does not have")
    expect(() => zipTree<unknown>([[t(1)], { 0: t(1) }], ([a]) => a!)).toThrow('zipTree: at the root tree 0 has an array of length 1 but tree 1 has an object')
    expect(() => zipTree<unknown>([{ w: t(1) }, { w: 3 }], ([a]) => a!)).toThrow('zipTree: at w one tree has [1] but another has number')
  })
})

describe('walkTrees', () => {
  it('builds several trees in one walk, leaf by leaf in the same order', () => {
    const [sum, diff] = zipTreeN([{ a: t(5), b: [t(1, 2)] }, { a: t(3), b: [t(1, 1)] }], 2, ([x, y]) => [
      tensor([x!.data.length], Array.from(x!.data, (v, i) => v + y!.data[i]!), 'float64'),
      tensor([x!.data.length], Array.from(x!.data, (v, i) => v - y!.data[i]!), 'float64'),
    ]) as { a: Tensor; b: Tensor[] }[]
    expect([Array.from(sum!.a.data), Array.from(sum!.b[0]!.data), Array.from(diff!.a.data), Array.from(diff!.b[0]!.data)]).toEqual([[8], [2, 3], [2], [0, 1]])
  })
  it('visits every leaf once, with its path, and lets the caller classify nodes', () => {
    const visits: string[] = []
    walkTrees([{ a: [1, 'x'], b: zeros([2]), c: [] }], { leaf: ([v], p) => (visits.push(`${p}=${Array.isArray(v) ? '[]' : typeof v}`), v), mismatch: () => { throw new Error('no') } })
    expect(visits).toEqual(['a[0]=number', 'a[1]=string', 'b=object'])
    const asLeaves: string[] = []
    walkTrees([{ a: [1, 2] }], { kindOf: (v) => (Array.isArray(v) ? 'leaf' : 'object'), leaf: ([v], p) => (asLeaves.push(p), v), mismatch: () => { throw new Error('no') } })
    expect(asLeaves).toEqual(['a'])
  })
})

describe('keys that look special stay data', () => {
  it('a __proto__ key read from JSON is an own key of the result, not its prototype', () => {
    const parsed = JSON.parse('{"__proto__": {"polluted": 1}, "w": 2}') as Record<string, unknown>
    const out = walkTrees([parsed], { leaf: ([v]) => v, mismatch: () => { throw new Error('no') } }) as Record<string, unknown>
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(Object.hasOwn(out, '__proto__')).toBe(true)
    expect((out as { polluted?: unknown }).polluted).toBeUndefined()
  })
})
