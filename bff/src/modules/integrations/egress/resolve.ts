import { lookup as dnsLookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import { EgressError, egressFailureOf } from './errors'
import { canonicalHost, isAllowListed, refusedName, refusedRange } from './policy'
import type { EgressPolicy } from './policy'

export type ResolvedAddress = { address: string; family: 4 | 6 }

/** Resolves a name to every address it has (the guard checks all of them). Injected in tests. */
export type Lookup = (hostname: string) => Promise<ResolvedAddress[]>

export const systemLookup: Lookup = async (hostname) => {
  const all = await dnsLookup(hostname, { all: true, verbatim: true })
  return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }))
}

/** A URL the guard accepted, with the one address every connection to it must use. */
export type CheckedTarget = {
  url: URL
  /** Canonical host name or address, without brackets. */
  host: string
  port: number
  address: string
  family: 4 | 6
  allowListed: boolean
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443 }

/** The remediation shown with every refusal. */
export function refusalMessage(target: string, range: string): string {
  return `the address ${target} is ${range}; an admin can allow this host with TG_EGRESS_ALLOW_HOSTS`
}

/**
 * Decides whether a URL may be contacted, before anything is sent: the URL is canonicalised by
 * `new URL` (so 2130706433, 0177.0.0.1 and 0x7f.1 are all 127.0.0.1), the name is resolved here
 * once, every address it resolves to is classified, and the first one is returned for the
 * connection to use (no second resolution, so no DNS rebinding between check and connect).
 */
export async function checkTarget(
  raw: string | URL,
  policy: EgressPolicy,
  lookup: Lookup,
  protocols: readonly string[],
): Promise<CheckedTarget> {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new EgressError('refused_by_guard', 'not a valid URL', { target: String(raw), range: 'invalid' })
  }
  if (!protocols.includes(url.protocol))
    throw new EgressError(
      'refused_by_guard',
      `the scheme ${url.protocol} is not allowed here (${protocols.join(', ')})`,
      {
        target: url.protocol,
        range: 'scheme',
      },
    )
  if (url.username || url.password)
    throw new EgressError('refused_by_guard', 'URLs with credentials in them are not allowed', {
      target: url.host,
      range: 'credentials',
    })
  const host = canonicalHost(url.hostname)
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[url.protocol]!
  const allowListed = isAllowListed(policy, host, port)

  if (!allowListed) {
    const byName = refusedName(host)
    if (byName) throw new EgressError('refused_by_guard', refusalMessage(host, byName), { target: host, range: byName })
  }

  let addresses: ResolvedAddress[]
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) === 6 ? 6 : 4 }]
  else {
    try {
      addresses = await lookup(host)
    } catch (err) {
      throw egressFailureOf(err, host)
    }
    if (addresses.length === 0) throw new EgressError('unreachable', `the name ${host} has no address`)
  }

  if (!allowListed) {
    for (const a of addresses) {
      const range = refusedRange(a.address)
      if (range) {
        const shown = a.address === host ? host : `${a.address} (${host})`
        throw new EgressError('refused_by_guard', refusalMessage(shown, range), { target: a.address, range })
      }
    }
  }
  const first = addresses[0]!
  return { url, host, port, address: first.address, family: first.family, allowListed }
}

/** A `lookup` for net/tls that answers only the checked address, whatever it is asked. */
export function pinnedLookup(target: CheckedTarget) {
  return (
    _hostname: string,
    options: { all?: boolean } | number | undefined,
    callback: (err: Error | null, address: string | ResolvedAddress[], family?: number) => void,
  ) => {
    const all = typeof options === 'object' && options?.all
    if (all) callback(null, [{ address: target.address, family: target.family }])
    else callback(null, target.address, target.family)
  }
}
