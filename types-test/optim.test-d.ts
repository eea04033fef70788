import { pipe } from 'fp-ts/lib/function.js'
import { expectAssignable, expectError, expectType } from 'tsd'
import {
  adam, andThen, chain, clipByGlobalNorm, dense, initOptimizer, key, l2, momentum, relu, scaleByAdam, scaleByLearningRate, sgd, step,
  type AdamState, type DenseParams, type GradientTransformation, type MomentumState, type NoParams, type OptimizerState,
  type OptimizerStateOf, type ScaleByAdamState, type ScaleByScheduleState, type SgdState,
} from '../src/index.js'

// Two networks of different widths: their params (and gradients) are different types.
const a = pipe(dense(4, 8), andThen(relu), andThen(dense(8, 3)))
const b = pipe(dense(4, 9), andThen(relu), andThen(dense(9, 3)))
type PA = readonly [DenseParams<4, 8>, NoParams, DenseParams<8, 3>]
type PB = readonly [DenseParams<4, 9>, NoParams, DenseParams<9, 3>]
const pa = a.init(key(0))
const pb = b.init(key(1))
declare const ga: PA
declare const gb: PB

// An optimizer's state is typed by the params it was initialised with.
const opt = adam(1e-3)
const sa = opt.init(pa)
expectType<AdamState<PA>>(sa)
expectType<ScaleByAdamState<PA>>(sa[0])
expectType<PA>(sa[0].mu)
expectType<readonly [PA, AdamState<PA>]>(opt.update(ga, sa, pa))

// Network A's optimizer state with network B's gradients and params does not compile …
expectError(opt.update(gb, sa, pb))
// … nor with A's gradients but B's params, or the other way round.
expectError(opt.update(ga, sa, pb))
expectError(opt.update(gb, sa, pa))
// The same through the reducer `step`.
const s0 = initOptimizer(opt, pa)
expectType<OptimizerState<PA, AdamState<PA>>>(s0)
expectType<OptimizerState<PA, AdamState<PA>>>(step(opt)(s0, ga))
expectError(step(opt)(s0, gb))
expectError(step(opt)({ params: pb, opt: sa }, gb))

// Every named optimizer and chains of transformations keep the typing.
expectType<MomentumState<PA>>(momentum(0.1).init(pa))
expectError(momentum(0.1).update(gb, momentum(0.1).init(pa), pb))
expectType<SgdState>(sgd(0.1).init(pa))
const custom = chain(clipByGlobalNorm(1), scaleByAdam(), l2(1e-4), scaleByLearningRate(1e-3))
expectType<readonly [null, ScaleByAdamState<PA>, null, ScaleByScheduleState]>(custom.init(pa))
expectError(custom.update(gb, custom.init(pa), pb))

// Generic code that only carries a state along names any transformation as GradientTransformation<S>.
const carry = <S>(t: GradientTransformation<S>, s: S): S => t.update(pa, s, pa)[1]
expectType<AdamState<unknown>>(carry(opt, sa))
expectAssignable<GradientTransformation<OptimizerStateOf<typeof opt>>>(opt)
expectType<AdamState<unknown>>({} as OptimizerStateOf<typeof opt>)
expectType<AdamState<PB>>({} as OptimizerStateOf<typeof opt, PB>)
