import { add as addOp, addScalar as addScalarOp, mul as mulOp, scale as scaleOp } from '../ops/arithmetic.js'
import { assertSameShape } from '../internal/assert.js'
import type { Shape } from '../shape/Shape.js'
import { lift, record, type Same, type Var, type VarLike } from './Var.js'
import { recip, relu } from './unary.js'

// Elementwise arithmetic of two Vars of one shape, and with a scalar. Primitives: add, mul, scale,
// addScalar. The rest is derived from them, so only the primitives carry a backward pass.

// -------------------------------------------------------------------------------------------------
// primitives
// -------------------------------------------------------------------------------------------------

/**
 * `a + b`, elementwise; both of shape `S`.
 *
 * @example
 * ad.add(ones([2, 3]), ones([2, 3]))   // Var<[2, 3]>
 * @category autodiff
 */
export const add = <S extends Shape>(a: VarLike<S>, b: VarLike<Same<S>>): Var<S> => {
  const va = lift('add', 'a', a), vb = lift('add', 'b', b)
  // NOTE: addition fans the gradient out unchanged to both inputs.
  return record('add', [va, vb], addOp(va.value, vb.value), (dy) => [dy, dy])
}

/** `a ⊙ b` (Hadamard product); both of shape `S`. Backward: `∂a = dy ⊙ b`, `∂b = dy ⊙ a`. @category autodiff */
export const mul = <S extends Shape>(a: VarLike<S>, b: VarLike<Same<S>>): Var<S> => {
  const va = lift('mul', 'a', a), vb = lift('mul', 'b', b)
  return record('mul', [va, vb], mulOp(va.value, vb.value), (dy, needs) => [
    needs[0] ? mulOp(dy, vb.value) : undefined,
    needs[1] ? mulOp(dy, va.value) : undefined,
  ])
}

/** `c · a` for a scalar `c`. Backward: `c · dy`. @category autodiff */
export const scale = <S extends Shape>(a: VarLike<S>, c: number): Var<S> => {
  const va = lift('scale', 'a', a)
  return record('scale', [va], scaleOp(va.value, c), (dy) => [scaleOp(dy, c)])
}

/** `a + c` for a scalar `c`. Backward: `dy`. @category autodiff */
export const addScalar = <S extends Shape>(a: VarLike<S>, c: number): Var<S> => {
  const va = lift('addScalar', 'a', a)
  return record('addScalar', [va], addScalarOp(va.value, c), (dy) => [dy])
}

// -------------------------------------------------------------------------------------------------
// derived
// -------------------------------------------------------------------------------------------------

/** `−a` = `scale(a, −1)`. @category autodiff */
export const neg = <S extends Shape>(a: VarLike<S>): Var<S> => scale(a, -1)

/** `a − b` = `add(a, neg(b))`; both of shape `S`. @category autodiff */
export const sub = <S extends Shape>(a: VarLike<S>, b: VarLike<Same<S>>): Var<S> => {
  // Checked here so that the error names sub, not add.
  assertSameShape('sub', lift('sub', 'a', a).value, lift('sub', 'b', b).value)
  return add(a, neg(b))
}

/**
 * `a / b` = `mul(a, recip(b))`; both of shape `S`.
 *
 * NOTE: `a · (1/b)` rounds twice, so it can differ from `a / b` in the last bit.
 * @category autodiff
 */
export const div = <S extends Shape>(a: VarLike<S>, b: VarLike<Same<S>>): Var<S> => {
  assertSameShape('div', lift('div', 'a', a).value, lift('div', 'b', b).value)
  return mul(a, recip(b))
}

/** `a²` = `mul(a, a)` (the gradient `2a · dy` is the sum of both uses). @category autodiff */
export const square = <S extends Shape>(a: VarLike<S>): Var<S> => {
  const va = lift('square', 'a', a)
  return mul(va, va)
}

/** `|a|` = `relu(a) + relu(−a)` (gradient `sign(a)`, 0 at 0). @category autodiff */
export const abs = <S extends Shape>(a: VarLike<S>): Var<S> => {
  const va = lift('abs', 'a', a)
  return add(relu(va), relu(neg(va)))
}
