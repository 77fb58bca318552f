import { CreateFleetBodySchema, CreatePublisherBodySchema } from '@tg/contracts'
import { describe, expect, it } from 'vitest'
import { schemaFieldErrors } from './form-validation'

const FIELDS = ['name', 'classic', 'pqc'] as const

describe('schemaFieldErrors', () => {
  it('shows the contract schema messages per field', () => {
    const errors = schemaFieldErrors(CreatePublisherBodySchema, { name: ' ', classic: 'abc', pqc: '' }, FIELDS)
    expect(errors).toEqual({
      name: 'Enter a name.',
      classic: 'Expected 32 bytes as lowercase hex.',
      pqc: 'Expected 1952 bytes as lowercase hex.',
    })
  })

  it('is empty for a valid body', () => {
    const body = { name: 'Acme', classic: 'ab'.repeat(32), pqc: 'cd'.repeat(1952) }
    expect(schemaFieldErrors(CreatePublisherBodySchema, body, FIELDS)).toEqual({})
    expect(schemaFieldErrors(CreateFleetBodySchema, { name: 'edge', description: '' }, ['name'])).toEqual({})
  })
})
