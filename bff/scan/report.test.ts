import { describe, expect, it } from 'vitest'
import { readAccessLog, judge, parseAllowList, parseSqlmapOutput, parseWapitiReport } from './report'

const wapiti = JSON.stringify({
  vulnerabilities: {
    'Content Security Policy Configuration': [
      { method: 'GET', path: '/', level: 1, parameter: '', info: 'CSP is not set' },
    ],
    'Cross Site Scripting': [
      { method: 'GET', path: '/api/v1/tgsp/packages', level: 3, parameter: 'q', info: 'XSS via q' },
    ],
    'HTTP Secure Headers': [
      { method: 'GET', path: '/', level: 1, parameter: '', info: 'Strict-Transport-Security is not set' },
    ],
    'Secure Flag cookie': [{ method: 'GET', path: '/', level: 1, parameter: '', info: 'no Secure flag' }],
  },
  anomalies: { 'Internal Server Error': [] },
})

const sqlmap = `sqlmap identified the following injection point(s) with a total of 52 HTTP(s) requests:
---
Parameter: q (GET)
    Type: boolean-based blind
    Title: AND boolean-based blind - WHERE or HAVING clause
    Payload: q=x' AND 1=1-- -
---
[08:00:00] [INFO] fetched data logged to text files`

describe('scan report', () => {
  it('fails on a medium finding that is not allowed, and passes an allowed one with its reason', () => {
    const findings = parseWapitiReport(wapiti, 'signed-in')
    const allow = parseAllowList(
      JSON.stringify([{ tool: 'wapiti', category: 'Cross Site Scripting', path: '/api/v1/tgsp/.*', reason: 'JSON' }]),
    )
    const verdict = judge(findings, allow)
    // wapiti rates a missing CSP low; the project requires one (ASVS V14.4), so it is medium here.
    expect(verdict.bySeverity).toMatchObject({ low: 2, medium: 1, high: 1 })
    expect(verdict.failing.map((f) => f.category)).toEqual(['Content Security Policy Configuration'])
    expect(verdict.allowed).toEqual([expect.objectContaining({ reason: 'JSON' })])
    expect(judge(findings, []).failing).toHaveLength(2)
  })

  it('reads each injectable sqlmap parameter as a high finding and counts its requests', () => {
    const findings = parseSqlmapOutput(sqlmap, { method: 'GET', path: '/api/v1/x' }, 'anonymous')
    expect(findings).toEqual([
      expect.objectContaining({ severity: 'high', parameter: 'q (GET)', info: 'boolean-based blind' }),
    ])
    expect(
      parseSqlmapOutput(
        '[INFO] all tested parameters do not appear to be injectable',
        { method: 'GET', path: '/' },
        'x',
      ),
    ).toEqual([])
  })

  it('counts the requests of the access log and reads each 500 and undocumented 5xx as a high finding', () => {
    const line = (status: number) =>
      JSON.stringify({ msg: 'request', method: 'GET', path: '/api/v1/x/1', route: '/api/v1/x/:id', status })
    const log = [line(200), line(500), line(503), line(502), '{"msg":"other"}'].join('\n')
    const { requests, errors } = readAccessLog(log, 'sqlmap', (e) => e.status === 503 || e.status === 500)
    expect(requests).toBe(4)
    expect(errors.map((e) => e.category)).toEqual(['Server error 500', 'Server error 502'])
  })

  it('refuses an allow-list entry without a reason', () => {
    expect(() => parseAllowList(JSON.stringify([{ tool: 'wapiti', category: 'x', reason: ' ' }]))).toThrow(/reason/)
  })
})
