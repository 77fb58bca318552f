import { describe, expect, it } from 'vitest'
import { checkRunForm, emptyRunForm, projectionInputOf } from './run-form'
import type { RunForm } from './run-form'

const FORM: RunForm = {
  ...emptyRunForm(),
  name: 'llama-dp',
  baseModel: 'llama-3-8b',
  rank: '16',
  targetModules: 'q_proj, v_proj',
  plannedRounds: '20',
  stepsPerRound: '100',
  noiseMultiplier: '1.1',
  clippingNorm: '1',
  sampleRate: '0.01',
  delta: '1e-5',
  epsilonBudget: '3',
  datasetSize: '50000',
}

describe('new run form', () => {
  it('gives the body the contract accepts', () => {
    const { body, errors, warnings } = checkRunForm(FORM)
    expect(errors).toEqual({})
    expect(warnings).toEqual([])
    expect(body).toEqual({
      name: 'llama-dp',
      baseModel: 'llama-3-8b',
      adapter: { method: 'lora', rank: 16, alpha: null, targetModules: ['q_proj', 'v_proj'] },
      plannedRounds: 20,
      stepsPerRound: 100,
      dp: {
        noiseMultiplier: 1.1,
        clippingNorm: 1,
        sampleRate: 0.01,
        delta: 1e-5,
        epsilonBudget: 3,
        datasetSize: 50000,
      },
    })
  })

  it('refuses delta at or above 1/N for a dataset of N records, on the delta field', () => {
    const { body, errors } = checkRunForm({ ...FORM, delta: '0.0001', datasetSize: '50000' })
    expect(body).toBeNull()
    expect(errors['dp.delta']).toBe('Delta must be below 1/N = 0.0000200 for a dataset of 50000 records.')
    expect(checkRunForm({ ...FORM, delta: '0.0001', datasetSize: '' }).errors).toEqual({})
  })

  it('names missing and malformed numbers, and the contract’s ranges', () => {
    const { errors } = checkRunForm({
      ...FORM,
      name: ' ',
      plannedRounds: '',
      sampleRate: '2',
      noiseMultiplier: 'lots',
      rank: '0',
    })
    expect(errors).toMatchObject({
      name: 'Enter a name.',
      plannedRounds: 'Enter the planned rounds.',
      'dp.sampleRate': 'The sampling rate is at most 1.',
      'dp.noiseMultiplier': 'Enter the noise multiplier as a number.',
    })
    expect(errors['adapter.rank']).toBeTruthy()
  })

  it('warns about a budget above 10 without refusing it', () => {
    const { body, errors, warnings } = checkRunForm({ ...FORM, epsilonBudget: '12' })
    expect(errors).toEqual({})
    expect(body?.dp.epsilonBudget).toBe(12)
    expect(warnings).toEqual([expect.stringContaining('above 10 gives little privacy protection')])
  })
})

describe('the projection of a new run', () => {
  it('starts as soon as the plan and the privacy settings are valid, whatever the rest', () => {
    const form = { ...FORM, name: '', baseModel: '' }
    expect(projectionInputOf(form, checkRunForm(form))).toEqual({
      plannedRounds: 20,
      stepsPerRound: 100,
      sampleRate: 0.01,
      noiseMultiplier: 1.1,
      delta: 1e-5,
      epsilonBudget: 3,
    })
    const broken = { ...FORM, sampleRate: '' }
    expect(projectionInputOf(broken, checkRunForm(broken))).toBeNull()
  })
})
