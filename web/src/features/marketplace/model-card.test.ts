import { describe, expect, it } from 'vitest'
import { MODEL_CARD_MAX, modelCardOf } from './model-card'

describe('the model card', () => {
  it('splits the description into paragraphs on blank lines, keeping line breaks inside them', () => {
    const card = modelCardOf({
      description: '# Support bot\r\n\r\nAnswers tickets.\nEnglish only.\n\n\n  \nLicense: MIT\n',
    })
    expect(card).toEqual({
      paragraphs: ['# Support bot', 'Answers tickets.\nEnglish only.', 'License: MIT'],
      isTruncated: false,
    })
  })

  it('keeps markup as text', () => {
    expect(modelCardOf({ description: '<img src=x onerror=alert(1)>' })?.paragraphs).toEqual([
      '<img src=x onerror=alert(1)>',
    ])
  })

  it('is absent without a text description, and cut at its limit', () => {
    expect(modelCardOf({})).toBeNull()
    expect(modelCardOf({ description: '   ' })).toBeNull()
    expect(modelCardOf({ description: { text: 'x' } })).toBeNull()
    const long = modelCardOf({ description: 'a'.repeat(MODEL_CARD_MAX + 5) })
    expect(long?.isTruncated).toBe(true)
    expect(long?.paragraphs[0]).toHaveLength(MODEL_CARD_MAX)
  })
})
