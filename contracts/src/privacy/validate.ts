// Input checks shared by the accountant's entry points. Each throws a RangeError naming the
// parameter, the allowed range and the value received.

function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : `${typeof value} ${JSON.stringify(value)}`
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && !Number.isNaN(value)
}

export function assertSampleRate(sampleRate: number): void {
  if (!isNumber(sampleRate) || sampleRate < 0 || sampleRate > 1)
    throw new RangeError(`sampleRate must be a number in [0, 1]; got ${describe(sampleRate)}.`)
}

export function assertNoiseMultiplier(noiseMultiplier: number): void {
  if (!isNumber(noiseMultiplier) || noiseMultiplier < 0 || !Number.isFinite(noiseMultiplier))
    throw new RangeError(`noiseMultiplier must be a finite number >= 0; got ${describe(noiseMultiplier)}.`)
}

export function assertSteps(steps: number): void {
  if (!Number.isSafeInteger(steps) || steps < 0)
    throw new RangeError(`steps must be a non-negative integer; got ${describe(steps)}.`)
}

export function assertDelta(delta: number): void {
  if (!isNumber(delta) || delta <= 0 || delta >= 1)
    throw new RangeError(`delta must be a number in the open interval (0, 1); got ${describe(delta)}.`)
}

export function assertTargetEpsilon(targetEpsilon: number): void {
  if (!isNumber(targetEpsilon) || targetEpsilon <= 0 || !Number.isFinite(targetEpsilon))
    throw new RangeError(`targetEpsilon must be a finite number > 0; got ${describe(targetEpsilon)}.`)
}

export function assertOrders(orders: readonly number[]): void {
  if (!Array.isArray(orders) || orders.length === 0)
    throw new RangeError('orders must be a non-empty array of RDP orders, each a finite number > 1.')
  for (const order of orders)
    if (!isNumber(order) || order <= 1 || !Number.isFinite(order))
      throw new RangeError(`Every RDP order must be a finite number > 1; got ${describe(order)}.`)
}

export function assertRdp(rdp: readonly number[], orders: readonly number[]): void {
  if (!Array.isArray(rdp) || rdp.length !== orders.length)
    throw new RangeError(`rdp must hold one value per order (${orders.length}); got ${describe(rdp?.length)}.`)
  for (const value of rdp)
    if (!isNumber(value) || value < 0)
      throw new RangeError(`Every RDP value must be a number >= 0 (Infinity allowed); got ${describe(value)}.`)
}
