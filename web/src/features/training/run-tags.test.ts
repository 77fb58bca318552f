import { describe, expect, it } from 'vitest'
import { noteProblem, parseTagsInput, tagFilterOf, tagListPath, tagsText } from './run-tags'

describe('parseTagsInput', () => {
  it('splits on commas and lines, trims and keeps key=value tags', () => {
    expect(parseTagsInput(' team=nlp, baseline\n dataset=support-v2 ,, ')).toEqual({
      tags: ['team=nlp', 'baseline', 'dataset=support-v2'],
      problems: [],
    })
    expect(parseTagsInput('')).toEqual({ tags: [], problems: [] })
  })

  it('names bad keys, empty values, repeated keys and too many tags', () => {
    expect(parseTagsInput('has space').problems[0]).toContain('key or key=value')
    expect(parseTagsInput('team=').problems[0]).toContain('1 to 128')
    expect(parseTagsInput('team=a, team=b').problems).toEqual(['The tag key team is given twice.'])
    const many = Array.from({ length: 21 }, (_, i) => `t${i}`).join(',')
    expect(parseTagsInput(many).problems).toEqual(['At most 20 tags per run (here 21).'])
  })

  it('round-trips through the editor text', () => {
    expect(parseTagsInput(tagsText(['a=1', 'b'])).tags).toEqual(['a=1', 'b'])
  })
})

describe('notes and tag filters', () => {
  it('caps notes at 4,000 characters', () => {
    expect(noteProblem('x'.repeat(4000))).toBeNull()
    expect(noteProblem('x'.repeat(4001))).toContain('4,000')
  })

  it('keeps only tag filters the server accepts, and links to them', () => {
    expect(tagFilterOf('team=nlp')).toBe('team=nlp')
    expect(tagFilterOf('=nlp')).toBeUndefined()
    expect(tagFilterOf(undefined)).toBeUndefined()
    expect(tagListPath('team=nlp')).toBe('/training?tag=team%3Dnlp')
  })
})
