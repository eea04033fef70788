import { adamF32, momentumF32, rmsF32, sgdF32 } from '../kernels/wasmAdam.js'
import type { Storage } from '../tensor/Tensor.js'
import { leafwiseN } from './leafwise.js'
import type { ScaleByAdagradState } from './scaleByAdagrad.js'
import type { ScaleByAdamState } from './scaleByAdam.js'
import type { ScaleByScheduleState } from './scaleByLearningRate.js'
import type { ScaleByRmsState } from './scaleByRms.js'
import type { Schedule } from './schedule.js'
import type { TraceState } from './trace.js'

// The `updateAndApply` fast paths of the named optimizers (see `GradientTransformation`): each is
// `chain(t, scaleByLearningRate(α))` followed by `applyUpdates`, done in one pass per leaf that
// writes the new params and the new state and allocates nothing else. The unfused path allocates
// and walks two more trees (the update before and after −α), which at MLP sizes costs more than
// the arithmetic: fresh multi-megabyte arrays are page-faulted in on first write.
//
// NOTE: bit for bit the unfused result. Each value is computed by the same expression in the same
// order, and rounded where the unfused path stores it: the state into its own storage (written
// here too), the update and the scaled update into the gradients' dtype (hence `Math.fround` when
// the gradients are float32; nothing for float64), the new params into the params' dtype.
//
// NOTE: all-float32 leaves go to the wasm SIMD kernels (src/kernels/wasmAdam.ts), which run these
// float32 loops two elements at a time with the same float64 arithmetic and float32 roundings (same
// bits), in cache-sized blocks copied in and out of wasm memory. Float64 storage anywhere, or no
// wasm SIMD, stays on the JS loops here (the reference). bench/optimizerShare.mjs measures each
// optimizer's update against the training step.

type Body = (ins: readonly Storage[], outs: readonly Storage[], c: number) => void

/** Whether every storage is float32 (the wasm kernels' condition). */
const allF32 = (ins: readonly Storage[], outs: readonly Storage[]): boolean =>
  ins.every((x) => x instanceof Float32Array) && outs.every((x) => x instanceof Float32Array)

/** A wasm kernel for all-float32 leaves: false (having written nothing) when wasm SIMD is unavailable. */
type Kernel = (ins: readonly Float32Array[], outs: readonly Float32Array[], c: number) => boolean

/**
 * Per leaf (trees: `[grads, params, ...state]`): `wasm` when every storage is float32 and the
 * kernel runs, else `f32` or `f64` according to the gradients' dtype.
 */
const fused = <P>(trees: readonly unknown[], n: number, c: number, wasm: Kernel, f32: Body, f64: Body, op: string): P[] =>
  leafwiseN<P, number>(
    trees,
    Array.from({ length: n }, (_, j) => j + 1),
    (ins, outs) => {
      if (!(ins[0] instanceof Float32Array)) return f64(ins, outs, c)
      if (allF32(ins, outs) && wasm(ins as Float32Array[], outs as Float32Array[], c)) return
      f32(ins, outs, c)
    },
    op,
  ) as unknown as P[]

type Fused<S> = <P>(grads: P, state: S, params: P) => readonly [P, S]

/** `sgd`: `θ ← θ + (−α ∇)`. */
export const fusedSgd =
  (schedule: Schedule): Fused<readonly [ScaleByScheduleState]> =>
  (grads, [lr], params) => {
    const [p] = fused<typeof params>(
      [grads, params],
      1,
      -schedule(lr.count),
      ([g, p], [po], c) => sgdF32(g!, p!, po!, c),
      ([g, p], [po], c) => {
        for (let i = 0; i < po!.length; i++) po![i] = p![i]! + Math.fround(c * g![i]!)
      },
      ([g, p], [po], c) => {
        for (let i = 0; i < po!.length; i++) po![i] = p![i]! + c * g![i]!
      },
      'scaleByLearningRate',
    )
    return [p!, [{ count: lr.count + 1 }]]
  }

/** `momentum` (see `trace`), optionally Nesterov's. */
export const fusedMomentum =
  (schedule: Schedule, beta: number, nesterov: boolean): Fused<readonly [TraceState<unknown>, ScaleByScheduleState]> =>
  (grads, [tr, lr], params) => {
    const [p, t] = fused<typeof params>(
      [grads, params, tr.trace],
      2,
      -schedule(lr.count),
      ([g, p, m], [po, to], c) => momentumF32(g!, p!, m!, po!, to!, beta, nesterov, c),
      ([g, p, m], [po, to], c) => {
        for (let i = 0; i < po!.length; i++) {
          to![i] = g![i]! + beta * m![i]!
          const o = Math.fround(nesterov ? g![i]! + beta * to![i]! : to![i]!)
          po![i] = p![i]! + Math.fround(c * o)
        }
      },
      ([g, p, m], [po, to], c) => {
        for (let i = 0; i < po!.length; i++) {
          to![i] = g![i]! + beta * m![i]!
          const o = nesterov ? g![i]! + beta * to![i]! : to![i]!
          po![i] = p![i]! + c * o
        }
      },
      'trace',
    )
    return [p!, [{ trace: t }, { count: lr.count + 1 }]]
  }

/** `rmsprop` (see `scaleByRms`). */
export const fusedRmsprop =
  (schedule: Schedule, decay: number, eps: number): Fused<readonly [ScaleByRmsState<unknown>, ScaleByScheduleState]> =>
  (grads, [rms, lr], params) => {
    const [p, nu] = fused<typeof params>(
      [grads, params, rms.nu],
      2,
      -schedule(lr.count),
      ([g, p, v], [po, vo], c) => rmsF32(g!, p!, v!, po!, vo!, false, decay, 1 - decay, eps, c),
      ([g, p, v], [po, vo], c) => {
        for (let i = 0; i < po!.length; i++) {
          vo![i] = decay * v![i]! + (1 - decay) * g![i]! * g![i]!
          po![i] = p![i]! + Math.fround(c * Math.fround(g![i]! / Math.sqrt(vo![i]! + eps)))
        }
      },
      ([g, p, v], [po, vo], c) => {
        for (let i = 0; i < po!.length; i++) {
          vo![i] = decay * v![i]! + (1 - decay) * g![i]! * g![i]!
          po![i] = p![i]! + c * (g![i]! / Math.sqrt(vo![i]! + eps))
        }
      },
      'scaleByRms',
    )
    return [p!, [{ nu }, { count: lr.count + 1 }]]
  }

/** `adagrad` (see `scaleByAdagrad`). */
export const fusedAdagrad =
  (schedule: Schedule, eps: number): Fused<readonly [ScaleByAdagradState<unknown>, ScaleByScheduleState]> =>
  (grads, [ada, lr], params) => {
    const [p, sumOfSquares] = fused<typeof params>(
      [grads, params, ada.sumOfSquares],
      2,
      -schedule(lr.count),
      ([g, p, s], [po, so], c) => rmsF32(g!, p!, s!, po!, so!, true, 0, 1, eps, c),
      ([g, p, s], [po, so], c) => {
        for (let i = 0; i < po!.length; i++) {
          so![i] = s![i]! + g![i]! * g![i]!
          po![i] = p![i]! + Math.fround(c * Math.fround(g![i]! / Math.sqrt(so![i]! + eps)))
        }
      },
      ([g, p, s], [po, so], c) => {
        for (let i = 0; i < po!.length; i++) {
          so![i] = s![i]! + g![i]! * g![i]!
          po![i] = p![i]! + c * (g![i]! / Math.sqrt(so![i]! + eps))
        }
      },
      'scaleByAdagrad',
    )
    return [p!, [{ sumOfSquares }, { count: lr.count + 1 }]]
  }

/** `adam` (see `scaleByAdam`, whose loop this repeats with the two extra steps). */
export const fusedAdam =
  (schedule: Schedule, b1: number, b2: number, eps: number): Fused<readonly [ScaleByAdamState<unknown>, ScaleByScheduleState]> =>
  (grads, [st, lr], params) => {
    const count = st.count + 1
    const a1 = 1 - b1, a2 = 1 - b2, s1 = 1 / (1 - b1 ** count), s2 = 1 / (1 - b2 ** count)
    const adam = (round: boolean): Body => ([g, p, m, v], [po, mo, vo], c) => {
      // NOTE: closed-over numbers copied to locals so the JIT keeps them in registers.
      const [B1, B2, A1, A2, S1, S2, E, n] = [b1, b2, a1, a2, s1, s2, eps, po!.length]
      if (round)
        for (let i = 0; i < n; i++) {
          const gi = g![i]!
          const mi = B1 * m![i]! + A1 * gi
          const vi = B2 * v![i]! + A2 * gi * gi
          mo![i] = mi
          vo![i] = vi
          po![i] = p![i]! + Math.fround(c * Math.fround((mi * S1) / (Math.sqrt(vi * S2) + E)))
        }
      else
        for (let i = 0; i < n; i++) {
          const gi = g![i]!
          const mi = B1 * m![i]! + A1 * gi
          const vi = B2 * v![i]! + A2 * gi * gi
          mo![i] = mi
          vo![i] = vi
          po![i] = p![i]! + c * ((mi * S1) / (Math.sqrt(vi * S2) + E))
        }
    }
    const wasm: Kernel = ([g, p, m, v], [po, mo, vo], c) => adamF32(g!, p!, m!, v!, po!, mo!, vo!, b1, b2, a1, a2, s1, s2, eps, c)
    const [p, mu, nu] = fused<typeof params>([grads, params, st.mu, st.nu], 3, -schedule(lr.count), wasm, adam(true), adam(false), 'scaleByAdam')
    return [p!, [{ count, mu, nu }, { count: lr.count + 1 }]]
  }
