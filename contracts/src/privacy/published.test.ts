// Published epsilon figures for DP-SGD on MNIST-sized data, reproduced with the parameters, orders,
// step counts and (epsilon, delta) conversion each publication used. Every figure is printed rounded
// to two decimals, so the check against it is |epsilon - figure| <= 0.005 (half a unit in the last
// printed place). Each case also carries the value from an independent double-precision reference
// (the Opacus `accountants/analysis/rdp.py` algorithm transcribed to Python with SciPy 1.17), which
// the accountant must match to 1e-9 relative.
import { describe, expect, it } from 'vitest'
import type { Conversion } from './schemas'
import { computeEpsilon } from './epsilon'

const MNIST_RATE = 256 / 60000
// TF Privacy `compute_dp_sgd_privacy.py`: orders [1.25, 1.5, 1.75, 2, 2.25, 2.5, 3, 3.5, 4, 4.5] + 5..63 +
// [128, 256, 512]; steps = ceil(epochs * N / batch).
const TF_SCRIPT_ORDERS = [
  1.25,
  1.5,
  1.75,
  2,
  2.25,
  2.5,
  3,
  3.5,
  4,
  4.5,
  ...Array.from({ length: 59 }, (_, k) => k + 5),
  128,
  256,
  512,
]
// TF Privacy `tutorials/mnist_dpsgd_tutorial.py` (and the Opacus 0.x default): orders
// [1 + x / 10 for x in 1..99] + 12..63; steps = epochs * (60000 // 256) = 234 per epoch.
const TF_TUTORIAL_ORDERS = [
  ...Array.from({ length: 99 }, (_, k) => 1 + (k + 1) / 10),
  ...Array.from({ length: 52 }, (_, k) => k + 12),
]

interface Figure {
  source: string
  noiseMultiplier: number
  sampleRate: number
  steps: number
  orders: number[]
  conversion: Conversion
  published: number
  reference: number
  order: number
}

const FIGURES: Figure[] = [
  {
    // opacus.ai/api/compute_dp_sgd_privacy.html and pytorch/opacus opacus/scripts/compute_dp_sgd_privacy.py
    // (0.x, commit b4216538): "--dataset-size=60000 --batch-size=256 --noise_multiplier=1.12 --epochs=60
    // --delta=1e-5 --a 10 20 100 ... satisfies (epsilon,delta)-DP of (2.95, 1e-5)"; steps = 60 * ceil(60000/256).
    source: 'Opacus 0.x docs, sigma 1.12, 60 epochs, orders [10, 20, 100]',
    noiseMultiplier: 1.12,
    sampleRate: MNIST_RATE,
    steps: 60 * 235,
    orders: [10, 20, 100],
    conversion: 'classic',
    published: 2.95,
    reference: 2.9459512428808647,
    order: 10,
  },
  {
    // pytorch/opacus opacus/scripts/compute_dp_sgd_privacy.py (1.x, commit 2f4b5464): "--epochs=3 --delta=1e-5
    // --sample-rate 0.01 --noise-multiplier 1.0 --alphas 2 5 10 20 100 ... epsilon = 2.39 ... optimal alpha
    // is 5.0"; steps = 3 * ceil(1 / 0.01). Made with today's `get_privacy_spent` (the improved conversion).
    source: 'Opacus 1.x script docstring, q 0.01, sigma 1.0, 300 steps',
    noiseMultiplier: 1,
    sampleRate: 0.01,
    steps: 300,
    orders: [2, 5, 10, 20, 100],
    conversion: 'improved',
    published: 2.39,
    reference: 2.3933285094705683,
    order: 5,
  },
  {
    // tensorflow/privacy privacy/analysis/compute_dp_sgd_privacy.py docstring: "--N=60000 --batch_size=256
    // --noise_multiplier=1.12 --epochs=60 --delta=1e-5 ... satisfies (2.92, 1e-5)-DP".
    source: 'TF Privacy compute_dp_sgd_privacy docstring, sigma 1.12',
    noiseMultiplier: 1.12,
    sampleRate: MNIST_RATE,
    steps: Math.ceil((60 * 60000) / 256),
    orders: TF_SCRIPT_ORDERS,
    conversion: 'classic',
    published: 2.92,
    reference: 2.9223548504732753,
    order: 9,
  },
  {
    // tensorflow/privacy tutorials/README.md (2019, noise 1.1 default): "compute_dp_sgd_privacy.py --N=60000
    // --batch_size=256 --noise_multiplier=1.1 --epochs=60 --delta=1e-5 ... eps = 3.01 and delta = 1e-05".
    source: 'TF Privacy tutorials README (2019), CLI, sigma 1.1',
    noiseMultiplier: 1.1,
    sampleRate: MNIST_RATE,
    steps: Math.ceil((60 * 60000) / 256),
    orders: TF_SCRIPT_ORDERS,
    conversion: 'classic',
    published: 3.01,
    reference: 3.0092111729979916,
    order: 9,
  },
  ...(
    [
      // Same README (2019): tutorial output after epochs 1 and 2 ("1.03", "1.11"), and its table rows
      // "1.3 | 15 epochs | 1.19" and "0.7 | 45 epochs | 7.10".
      [1.1, 1, 1.03, 1.0340228070832334, 13],
      [1.1, 2, 1.11, 1.108635158752281, 13],
      [1.3, 15, 1.19, 1.1914577424689137, 17],
      [0.7, 45, 7.1, 7.095681134635829, 3.9],
      // tensorflow/privacy tutorials/README.md (later, noise 1.12 default): output after epochs 1, 2 and 60
      // ("1.00", "1.04", "2.92") and the table row "1.2 | 10 epochs | 1.20".
      [1.12, 1, 1.0, 1.0003009124143296, 13],
      [1.12, 2, 1.04, 1.0411913694144734, 13],
      [1.12, 60, 2.92, 2.919890520258786, 9.1],
      [1.2, 10, 1.2, 1.197755920674934, 15],
    ] as const
  ).map(([noiseMultiplier, epochs, published, reference, order]): Figure => ({
    source: `TF Privacy MNIST tutorial, sigma ${noiseMultiplier}, ${epochs} epoch(s)`,
    noiseMultiplier,
    sampleRate: MNIST_RATE,
    steps: epochs * 234,
    orders: TF_TUTORIAL_ORDERS,
    conversion: 'classic',
    published,
    reference,
    order,
  })),
]

describe('published figures', () => {
  it.each(FIGURES)('$source: epsilon $published', (figure) => {
    const { epsilon, order } = computeEpsilon({ ...figure, delta: 1e-5 })
    expect(Math.abs(epsilon - figure.published)).toBeLessThanOrEqual(0.005)
    expect(Math.abs(epsilon - figure.reference) / figure.reference).toBeLessThan(1e-9)
    expect(order).toBe(figure.order)
  })

  it('the improved conversion gives a smaller epsilon than the classic one for the Opacus example', () => {
    const params = {
      sampleRate: MNIST_RATE,
      noiseMultiplier: 1.12,
      steps: 60 * 235,
      delta: 1e-5,
      orders: [10, 20, 100],
    }
    const improved = computeEpsilon(params)
    const classic = computeEpsilon({ ...params, conversion: 'classic' })
    // Reference (improved): 2.5847479391125887 at order 10, the classic value minus
    // log(alpha) / (alpha - 1) - log(1 - 1 / alpha) at alpha = 10.
    expect(Math.abs(improved.epsilon - 2.5847479391125887) / 2.5847479391125887).toBeLessThan(1e-9)
    expect(improved.epsilon).toBeCloseTo(classic.epsilon - Math.log(10) / 9 + Math.log(0.9), 12)
  })
})
