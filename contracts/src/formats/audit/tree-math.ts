// Integer helpers for tree sizes and indexes. Sizes are JS numbers up to 2^53 - 1, so nothing
// here uses the 32-bit bitwise operators.

/** floor(x / 2), i.e. x >> 1 for any safe non-negative integer. */
export function half(x: number): number {
  return Math.floor(x / 2)
}

/** Whether the least significant bit of x is set. */
export function isOdd(x: number): boolean {
  return x % 2 === 1
}

export function isSize(x: number): boolean {
  return Number.isSafeInteger(x) && x >= 0
}

export function isPowerOfTwo(x: number): boolean {
  if (!isSize(x) || x === 0) return false
  let n = x
  while (n % 2 === 0) n /= 2
  return n === 1
}

/** log2 of a power of two. */
export function log2Exact(x: number): number {
  let level = 0
  for (let n = x; n > 1; n /= 2) level++
  return level
}

/** The largest power of two k with k < n <= 2k (n >= 2). */
export function largestPowerOfTwoBelow(n: number): number {
  let k = 1
  while (k * 2 < n) k *= 2
  return k
}

/** The number of set bits of x. */
export function popCount(x: number): number {
  let count = 0
  for (let n = x; n > 0; n = half(n)) if (isOdd(n)) count++
  return count
}
