/**
 * Type-level arithmetic on non-negative integer literals, digit by digit, so that the compiler can
 * compute layer output shapes (`(28 − 5) / 1 + 1 = 24`, `4 · 4 · 16 = 256`, `224 · 224 · 3 = 150528`).
 *
 * Numbers are worked on as decimal strings, least significant digit first; every operation is
 * tail-recursive over digits, so sizes in the millions cost a few dozen steps (never a tuple of that
 * length). A plain `number` (a size only run time knows) in any argument gives `number`, and the
 * run-time checks of the layers take over.
 *
 * @category shape
 */

type Digit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9'
type Tup<N extends Digit> = [[], [0], [0, 0], [0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0, 0]][N extends `${infer I extends number}` ? I : never]
type Bit = 0 | 1
type BitTup<C extends Bit> = C extends 1 ? [0] : []

/** `"1234"` → `"4321"`. */
type Reverse<S extends string, Acc extends string = ''> = S extends `${infer H}${infer T}` ? Reverse<T, `${H}${Acc}`> : Acc
/** A number as its digits, least significant first: `120` → `"021"`. */
type Lsb<N extends number> = Reverse<`${N}`>
/** Drops leading zeros of an LSB-first digit string (trailing in it), keeping at least one digit. */
type Trim<S extends string> = S extends `${infer R}0` ? (R extends '' ? '0' : Trim<R>) : S extends '' ? '0' : S
/** An LSB-first digit string back to a number literal. */
type ToNum<S extends string> = Reverse<Trim<S>> extends `${infer N extends number}` ? N : never

/** One column of an addition: `[digit, carry]`. */
type AddDigit<A extends Digit, B extends Digit, C extends Bit> =
  `${[...Tup<A>, ...Tup<B>, ...BitTup<C>]['length'] & number}` extends `1${infer D extends Digit}` ? [D, 1]
  : [`${[...Tup<A>, ...Tup<B>, ...BitTup<C>]['length'] & number}` & Digit, 0]

type AddLsb<A extends string, B extends string, C extends Bit = 0, Acc extends string = ''> =
  A extends `${infer a extends Digit}${infer ar}`
    ? B extends `${infer b extends Digit}${infer br}`
      ? AddDigit<a, b, C> extends [infer D extends Digit, infer C2 extends Bit] ? AddLsb<ar, br, C2, `${Acc}${D}`> : never
      : AddDigit<a, '0', C> extends [infer D extends Digit, infer C2 extends Bit] ? AddLsb<ar, '', C2, `${Acc}${D}`> : never
    : B extends `${infer b extends Digit}${infer br}`
      ? AddDigit<'0', b, C> extends [infer D extends Digit, infer C2 extends Bit] ? AddLsb<'', br, C2, `${Acc}${D}`> : never
      : C extends 1 ? `${Acc}1` : Acc

/** One column of a subtraction: `[digit, borrow]`. */
type SubDigit<A extends Digit, B extends Digit, C extends Bit> =
  Tup<A> extends [...Tup<B>, ...BitTup<C>, ...infer R] ? [`${R['length']}` & Digit, 0]
  : [...Tup<A>, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] extends [...Tup<B>, ...BitTup<C>, ...infer R] ? [`${R['length']}` & Digit, 1] : never

/** `A − B` LSB first, and the final borrow (1 when `A < B`). */
type SubLsb<A extends string, B extends string, C extends Bit = 0, Acc extends string = ''> =
  A extends `${infer a extends Digit}${infer ar}`
    ? B extends `${infer b extends Digit}${infer br}`
      ? SubDigit<a, b, C> extends [infer D extends Digit, infer C2 extends Bit] ? SubLsb<ar, br, C2, `${Acc}${D}`> : never
      : SubDigit<a, '0', C> extends [infer D extends Digit, infer C2 extends Bit] ? SubLsb<ar, '', C2, `${Acc}${D}`> : never
    : B extends `${Digit}${string}` ? [Acc, 1]
    : [Acc, C]

/** `A · d` for one digit `d`, by repeated addition (at most 9). */
type MulDigit<A extends string, D extends Digit, N extends unknown[] = Tup<D>, Acc extends string = '0'> =
  N extends [unknown, ...infer R] ? MulDigit<A, D, R, AddLsb<Acc, A>> : Acc

/** Long multiplication over the digits of `B`, shifting `A` by one digit per step. */
type MulLsb<A extends string, B extends string, Acc extends string = '0'> =
  B extends `${infer b extends Digit}${infer br}` ? MulLsb<`0${A}`, br, AddLsb<Acc, MulDigit<A, b>>> : Acc

/** How many times `D` fits into `R` (0–9, as `R < 10·D` in long division), and the remainder. */
type FitCount<R extends string, D extends string, Q extends unknown[] = []> =
  SubLsb<R, D> extends [infer R2 extends string, 0] ? FitCount<Trim<R2>, D, [...Q, 0]> : [`${Q['length']}` & Digit, R]

/** Long division over the digits of `A` (most significant first), quotient collected LSB first. */
type DivMsb<A extends string, D extends string, R extends string = '0', Q extends string = ''> =
  A extends `${infer a extends Digit}${infer ar}`
    ? FitCount<Trim<`${a}${R}`>, D> extends [infer q extends Digit, infer R2 extends string] ? DivMsb<ar, D, R2, `${q}${Q}`> : never
    : Q

type IsLiteral<N extends number> = number extends N ? false : `${N}` extends `${bigint}` ? (`${N}` extends `-${string}` ? false : true) : false
type Lit<A extends number, B extends number, R> = IsLiteral<A> extends true ? (IsLiteral<B> extends true ? R : number) : number

/** `A + B`. @category shape */
export type Add<A extends number, B extends number> = Lit<A, B, ToNum<AddLsb<Lsb<A>, Lsb<B>>>>
/** `A − B`; `never` when `B > A` (a shape cannot be negative). @category shape */
export type Subtract<A extends number, B extends number> = Lit<A, B, SubLsb<Lsb<A>, Lsb<B>> extends [infer R extends string, 0] ? ToNum<R> : never>
/** `A · B`. @category shape */
export type Multiply<A extends number, B extends number> = Lit<A, B, ToNum<MulLsb<Lsb<A>, Lsb<B>>>>
/** `⌊A / B⌋` (floor division, as strides need); `never` for `B = 0`. @category shape */
export type FloorDivide<A extends number, B extends number> = B extends 0 ? never : Lit<A, B, ToNum<DivMsb<`${A}`, Lsb<B>>>>
/** `⌈A / B⌉`. @category shape */
export type CeilDivide<A extends number, B extends number> = FloorDivide<Add<A, Subtract<B, 1>>, B>
/** `A ≤ B` as a boolean type (`boolean` when either is a runtime `number`). @category shape */
export type LessOrEqual<A extends number, B extends number> =
  IsLiteral<A> extends true ? (IsLiteral<B> extends true ? (SubLsb<Lsb<B>, Lsb<A>> extends [string, 0] ? true : false) : boolean) : boolean

/** The number of elements of a shape: `Numel<[4, 4, 16]>` is `256`; `number` if any dim is. @category shape */
export type Numel<S extends readonly number[], Acc extends number = 1> =
  S extends readonly [infer H extends number, ...infer T extends readonly number[]] ? Numel<T, Multiply<Acc, H>> : number extends S['length'] ? number : Acc
