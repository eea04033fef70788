import { ValueError } from '../shape/ValueError.js'
import type { Tensor } from '../tensor/Tensor.js'

/** Throws a ValueError naming the op, the argument and the first non-finite entry. */
export const checkFinite = (op: string, arg: string, t: Tensor): void => {
  const d = t.data
  for (let i = 0; i < d.length; i++)
    if (!Number.isFinite(d[i]!)) throw new ValueError(op, `${arg} has ${d[i]} at flat index ${i}; a loss needs finite inputs`)
}
