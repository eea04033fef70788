import type { AnyLayer } from '../layers/Layer.js'
import { sameShape, type Shape } from '../shape/Shape.js'
import { ShapeError, showShape } from '../shape/ShapeError.js'
import { ValueError } from '../shape/ValueError.js'
import { isLabels, type Labels } from '../tensor/Labels.js'
import { astype, type DType, type Tensor } from '../tensor/Tensor.js'
import { leaves } from '../tree/tree.js'
import { describeElement, labelsProblem, rowsError, rowsProblem } from './checkRows.js'

/** What {@link validateFitData} reads of a training configuration (a `FitConfig` has all of it). @category data */
export interface FitDataConfig {
  readonly net: Pick<AnyLayer, 'name' | 'kind' | 'inShape' | 'outShape'>
  readonly batchSize: number
  /** Early stopping: needs validation data. */
  readonly patience?: number | undefined
  /** An optimizer that observes the validation score (`reduceOnPlateau`) needs validation data. */
  readonly optimizer?: { readonly observe?: unknown }
}

/** Data as training takes it: inputs `x: [N, ...In]` and targets, labels `[N]` or a tensor `[N, ...Out]`. @category data */
export interface FitData {
  readonly x: Tensor
  readonly y: Labels | Tensor
}

/** The checked data of {@link validateFitData}, and how to batch it. @category data */
export interface ValidFitData<T extends FitData, V extends FitData | undefined> {
  /** The training data, in the model's dtype (the same object when it already was). */
  readonly train: T
  /** The validation data, in the model's dtype, or undefined when none was given. */
  readonly validation: V
  /** The dtype of the model's params, which the data now has (undefined for a network without params). */
  readonly dtype: DType | undefined
  /**
   * What to pass to `minibatches` as `minLast`: 2 when the network has batch norm (a last
   * minibatch of one row joins the one before it, since one row's batch statistics are
   * meaningless), else 1.
   */
  readonly minLast: number
}

/** True for a batch-norm layer, or a composition containing one. */
const batchNorms = (l: unknown): AnyLayer[] => {
  const layer = l as AnyLayer & { readonly layers?: readonly AnyLayer[] }
  return layer.kind === 'batchNorm' ? [layer] : (layer.layers ?? []).flatMap(batchNorms)
}

/** The dtype of the first tensor of the params (what the first layer meets the data with). */
const modelDtype = (params: unknown): DType | undefined => leaves(params).find(({ tensor }) => tensor.data instanceof Float32Array || tensor.data instanceof Float64Array)?.tensor.dtype

/** `t` stored as `dtype`; refuses values that `dtype` cannot hold (float64 beyond float32's range). */
const convert = (op: string, arg: string, t: Tensor, dtype: DType | undefined): Tensor => {
  if (dtype === undefined || t.dtype === dtype) return t
  const out = astype(t, dtype)
  for (let i = 0; i < out.data.length; i++)
    if (!Number.isFinite(out.data[i]!))
      throw new ValueError(op, `${arg} has ${t.data[i]} at ${describeElement(t.shape, i)}, which ${dtype} (the model's dtype) cannot hold`)
  return out
}

const checkSet = <D extends FitData>(op: string, name: string, data: D, config: FitDataConfig, dtype: DType | undefined): D => {
  const { net } = config
  if (data === null || typeof data !== 'object' || data.x === undefined || data.y === undefined)
    throw new ValueError(op, `${name} must be data { x, y }, got ${data === null ? 'null' : typeof data}`)
  const x = rowsProblem(`${name} x`, data.x)
  if (x !== undefined) throw rowsError(op, x)
  const features = data.x.shape.slice(1)
  if (!sameShape(features, net.inShape))
    throw new ShapeError(op, `${name} x has shape ${showShape(data.x.shape)} but ${net.name} takes rows of shape ${showShape(net.inShape)}`)
  const n = data.x.shape[0]!
  if (n === 0) throw new ValueError(op, `${name} has no rows`)
  const out: Shape = net.outShape
  if (isLabels(data.y)) {
    const p = labelsProblem(`${name} y`, data.y)
    if (p !== undefined) throw new ValueError(op, p)
    if (data.y.shape[0] !== n) throw new ShapeError(op, `${name} x has ${n} rows but y has ${data.y.shape[0]}`)
    const c = out[out.length - 1]
    if (data.y.numClasses !== c)
      throw new ShapeError(op, `${name} y has labels of ${data.y.numClasses} classes but ${net.name} gives ${showShape(out)} outputs (${c} classes)`)
    const cx = convert(op, `${name} x`, data.x, dtype)
    return cx === data.x ? data : { ...data, x: cx }
  }
  const y = rowsProblem(`${name} y`, data.y)
  if (y !== undefined) throw rowsError(op, y)
  if (data.y.shape[0] !== n) throw new ShapeError(op, `${name} x has ${n} rows but y has ${data.y.shape[0]}`)
  if (!sameShape(data.y.shape.slice(1), out))
    throw new ShapeError(op, `${name} y has shape ${showShape(data.y.shape)} but ${net.name} gives rows of shape ${showShape(out)}`)
  const [cx, cy] = [convert(op, `${name} x`, data.x, dtype), convert(op, `${name} y`, data.y, dtype)]
  return cx === data.x && cy === data.y ? data : { ...data, x: cx, y: cy }
}

/**
 * Everything `fit` needs to know about its data before the first step, checked once, with errors
 * that name the set, the row and the column (rows and columns count from 0):
 *
 * - `config.batchSize` is a positive integer (larger than the training set is allowed: one
 *   minibatch per epoch);
 * - each set is `{ x, y }` with `x: [N, ...net.inShape]`, `N ≥ 1`, finite values, and `y` of `N`
 *   rows: labels in `[0, C)` with `C` the network's last output dimension, or a tensor
 *   `[N, ...net.outShape]` of finite values;
 * - early stopping (`config.patience`) and optimizers that observe the validation score
 *   (`reduceOnPlateau`) need validation data; given validation data must not be empty;
 * - dtypes: the data is CONVERTED to the dtype of the model's params (the first param tensor's),
 *   so a float32 model fitted on float64 data computes in float32 throughout and its optimizer
 *   state stays float32 (a checkpoint of it then loads against `initTrain(config)`). A float64
 *   value that float32 cannot hold is an error naming its row and column;
 * - batch norm: a last minibatch of one row would normalise with the statistics of one row
 *   (variance 0), so `minLast` is 2 for networks with batch norm and `minibatches` joins such a
 *   row to the minibatch before it. A training set of one row is refused for batch norm over
 *   features (rank-1 inputs to the batch-norm layer).
 *
 * @param params the model's params (e.g. `from.params`), for the dtype; without them no conversion.
 * @returns the data in the model's dtype and `minLast` for `minibatches`.
 * @throws ShapeError for shapes that do not fit the network (naming both); ValueError for bad values,
 *   e.g. `fit: train x has NaN at row 3, column 1; values must be finite numbers`,
 *   `fit: early stopping (patience 3) needs validation data`.
 * @example
 * const { train: tr, validation: va, minLast } = validateFitData(config, train, validation, state.params)
 * @category data
 */
/**
 * One data set checked for `net` as {@link validateFitData} checks `train` (shapes, class counts,
 * finite values, row counts, not empty), converted to the dtype of `params`; errors name `op`,
 * `name` and the row. What `evaluate` runs first.
 */
export const validateSet = <D extends FitData>(op: string, name: string, data: D, net: FitDataConfig['net'], params?: unknown): D =>
  checkSet(op, name, data, { net, batchSize: 1 }, modelDtype(params))

export const validateFitData = <T extends FitData, V extends FitData | undefined>(
  config: FitDataConfig,
  train: T,
  validation: V,
  params?: unknown,
  op = 'fit',
): ValidFitData<T, V> => {
  const { batchSize, patience, net } = config
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ValueError(op, `batchSize must be a positive integer, got ${batchSize}`)
  if (patience !== undefined && (!Number.isInteger(patience) || patience < 1))
    throw new ValueError(op, `patience must be a positive integer, got ${patience}`)
  const dtype = modelDtype(params)
  const tr = checkSet(op, 'train', train, config, dtype)
  if (validation === undefined) {
    if (patience !== undefined) throw new ValueError(op, `early stopping (patience ${patience}) needs validation data`)
    if (config.optimizer?.observe !== undefined) throw new ValueError(op, 'the optimizer observes the validation score (reduceOnPlateau) but there is no validation data')
  }
  const va = validation === undefined ? validation : checkSet(op, 'validation', validation, config, dtype)
  const norms = batchNorms(net)
  if (norms.length > 0 && train.x.shape[0] === 1 && norms.some((l) => l.inShape.length === 1))
    throw new ValueError(op, `train has 1 row, but ${norms[0]!.name} needs at least 2 rows per minibatch for its batch statistics`)
  return { train: tr, validation: va as V, dtype, minLast: norms.length > 0 ? 2 : 1 }
}
