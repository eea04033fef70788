import type { Shape } from '../shape/Shape.js'
import type { DType, Storage, Tensor } from '../tensor/Tensor.js'

/**
 * A tensor whose storage is computed on the first read of `data` (then kept). Its value is fixed
 * when it is made, so it is as immutable as any other tensor; only the work is deferred.
 * `compute` must return storage of `dtype` with the shape's number of elements.
 */
export const lazyTensor = <S extends Shape>(shape: S, dtype: DType, compute: () => Storage): Tensor<S> => {
  let data: Storage | undefined
  let f: (() => Storage) | undefined = compute
  return {
    shape,
    dtype,
    get data(): Storage {
      if (data === undefined) {
        data = f!()
        f = undefined // release what compute closed over
      }
      return data
    },
  }
}
