import { describe, expect, it } from 'vitest'
import { isLabelChange, labelSetProblems, normalizeLabels } from './label-edit'

describe('label editing', () => {
  it('normalizes as the server stores labels: trimmed, unique, sorted', () => {
    expect(normalizeLabels([' gpu ', 'env=prod', 'gpu', ''])).toEqual(['env=prod', 'gpu'])
  })

  it('names each label the server would refuse, and a set over 20', () => {
    expect(labelSetProblems(['gpu', 'env=prod', 'team=ml/vision'])).toEqual([])
    expect(labelSetProblems(['GPU', 'ok', 'a=b=c'])).toEqual([
      '"GPU": Use lowercase letters only.',
      '"a=b=c": Use at most one "=".',
    ])
    const many = Array.from({ length: 21 }, (_, i) => `t${i}`)
    expect(labelSetProblems(many)).toEqual(['At most 20 labels per package (21 given).'])
  })

  it('tells a change from the same set in another order', () => {
    expect(isLabelChange(['a', 'b'], ['b', 'a'])).toBe(false)
    expect(isLabelChange(['a'], ['a', 'b'])).toBe(true)
    expect(isLabelChange(['a'], [])).toBe(true)
  })
})
