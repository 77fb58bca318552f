import { describe, expect, it } from 'vitest'
import { adviceFor, checkRowsOf } from './checks'

const PASS = { ok: true, reason: null }
const ALL_PASS = { structure: PASS, hashes: PASS, signatures: PASS, signer: PASS, identity: PASS }
const NOT_RUN = { ok: false, reason: 'Not run: the structure check failed.' }

describe('check advice', () => {
  it('has no advice for a check that passed', () => {
    expect(checkRowsOf(ALL_PASS).map((row) => row.advice)).toEqual([null, null, null, null, null])
  })

  it('tells the publisher what to do about each failed check', () => {
    const checks = { ...ALL_PASS, signer: { ok: false, reason: 'untrusted signer' } }
    expect(adviceFor('signer', checks)).toContain('register the publisher’s key or sign with a registered key')
    expect(adviceFor('hashes', { ...ALL_PASS, hashes: { ok: false, reason: 'x' } })).toContain('package it again')
    expect(adviceFor('signatures', { ...ALL_PASS, signatures: { ok: false, reason: 'x' } })).toContain(
      'sign the package again',
    )
    expect(adviceFor('identity', { ...ALL_PASS, identity: { ok: false, reason: 'x' } })).toContain('new model_version')
  })

  it('says that checks after a failed structure check did not run, with no advice of their own', () => {
    const checks = {
      structure: { ok: false, reason: 'trailing bytes' },
      hashes: NOT_RUN,
      signatures: NOT_RUN,
      signer: NOT_RUN,
      identity: NOT_RUN,
    }
    const rows = checkRowsOf(checks)
    expect(rows.map((row) => row.name)).toEqual(['structure', 'hashes', 'signatures', 'signer', 'identity'])
    expect(rows[0]).toMatchObject({ verdict: 'failed', detail: 'trailing bytes' })
    expect(rows[0]?.advice).toContain('not a well-formed TGSP v1 package')
    for (const row of rows.slice(1))
      expect(row).toMatchObject({ verdict: 'not run', detail: 'Not run: the structure check failed.', advice: null })
  })

  it('shows what a passed check verified, and the server reason of a failure', () => {
    const [structure, , , signer] = checkRowsOf({ ...ALL_PASS, signer: { ok: false, reason: 'untrusted signer' } })
    expect(structure).toMatchObject({ verdict: 'passed', detail: expect.stringContaining('valid JSON') })
    expect(signer).toMatchObject({ verdict: 'failed', detail: 'untrusted signer' })
  })

  it('reports a damaged copy of a published package by its hash alone, without the identity advice', () => {
    const identity = { ok: false, reason: 'Not run: the hash check failed, so these bytes are not the signed package.' }
    const rows = checkRowsOf({ ...ALL_PASS, hashes: { ok: false, reason: 'payload hash differs' }, identity })
    expect(rows.filter((row) => row.verdict === 'failed').map((row) => row.name)).toEqual(['hashes'])
    expect(rows[1]?.advice).toContain('damaged')
    expect(rows[4]).toMatchObject({ verdict: 'not run', detail: identity.reason, advice: null })
  })
})
