import { isIP } from 'node:net'
import ipaddr from 'ipaddr.js'

/** What the guard lets through and how much it reads. */
export type EgressPolicy = {
  /** Hosts an admin listed (TG_EGRESS_ALLOW_HOSTS): any port, or exactly one. Canonical names. */
  allowHosts: AllowEntry[]
  /** Largest response body read (TG_EGRESS_MAX_BYTES). */
  maxBytes: number
}

export type AllowEntry = { host: string; port: number | null }

/** Names refused whatever they resolve to (cloud metadata services, the loopback name). */
const REFUSED_NAMES = new Set(['localhost', 'metadata.google.internal', 'metadata.goog', 'metadata'])

/** Cloud metadata addresses that are not already in a refused class, and those that are (named precisely). */
const METADATA_ADDRESSES = new Set([
  '169.254.169.254',
  '169.254.170.2',
  'fd00:ec2::254',
  '100.100.100.200',
  '168.63.129.16',
])

/**
 * Canonical form of a host as `new URL` writes it: lower case, IPv4 in dotted decimal (whatever
 * decimal, octal or hex spelling was given), IPv6 compressed, without brackets or a trailing dot.
 */
export function canonicalHost(host: string): string {
  let h = host.trim()
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1)
  // WHATWG URL parsing writes embedded IPv4 as hex (::127.0.0.1 -> ::7f00:1), which ipaddr.js would misread as mapped
  if (isIP(h) === 6) return ipaddr.parse(new URL(`http://[${h}]/`).hostname.slice(1, -1)).toString()
  const parsed = new URL(`http://${h}/`).hostname
  return parsed.endsWith('.') ? parsed.slice(0, -1) : parsed
}

/** Parses TG_EGRESS_ALLOW_HOSTS: comma-separated `host`, `host:port`, `[v6]` or `[v6]:port`. */
export function parseAllowHosts(raw: string | undefined): AllowEntry[] {
  if (!raw) return []
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((entry) => {
      const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(entry)
      if (bracketed) return { host: canonicalHost(bracketed[1]!), port: bracketed[2] ? Number(bracketed[2]) : null }
      if (isIP(entry) === 6) return { host: canonicalHost(entry), port: null }
      const m = /^([^:/\s]+)(?::(\d{1,5}))?$/.exec(entry)
      if (!m) throw new Error(`TG_EGRESS_ALLOW_HOSTS: "${entry}" is not host, host:port or [ipv6]:port`)
      return { host: canonicalHost(m[1]!), port: m[2] ? Number(m[2]) : null }
    })
}

export function isAllowListed(policy: EgressPolicy, host: string, port: number): boolean {
  return policy.allowHosts.some((a) => a.host === host && (a.port === null || a.port === port))
}

/** A name refused by itself (before resolving), or null. */
export function refusedName(host: string): string | null {
  if (REFUSED_NAMES.has(host) || host.endsWith('.localhost'))
    return host === 'localhost' || host.endsWith('.localhost') ? 'loopback' : 'cloud metadata'
  return null
}

const V4_NAMES: Record<string, string> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'private (CGNAT)',
  private: 'private',
  reserved: 'reserved',
  as112: 'reserved',
  amt: 'reserved',
}

const V6_NAMES: Record<string, string> = {
  unspecified: 'unspecified',
  linkLocal: 'link-local',
  multicast: 'multicast',
  loopback: 'loopback',
  uniqueLocal: 'unique-local',
  deprecatedSiteLocal: 'site-local',
  teredo: 'tunnelled (Teredo)',
}

/**
 * The class of an address the guard refuses, or null for a public unicast address. IPv6 forms
 * that carry an IPv4 address (mapped, compatible, SIIT, NAT64, 6to4) are judged by that address.
 */
export function refusedRange(address: string): string | null {
  if (!isIP(address)) return 'not an address'
  const ip = ipaddr.parse(canonicalHost(address))
  const canonical = ip.toString()
  if (METADATA_ADDRESSES.has(canonical)) return 'cloud metadata'
  if (ip.kind() === 'ipv4') {
    const range = (ip as ipaddr.IPv4).range()
    return range === 'unicast' ? null : (V4_NAMES[range] ?? 'reserved')
  }
  const v6 = ip as ipaddr.IPv6
  const embedded = embeddedV4(v6)
  if (embedded) {
    const inner = refusedRange(embedded.address.toString())
    return inner === null ? null : `${inner} (${embedded.form} of ${embedded.address.toString()})`
  }
  const range = v6.range()
  if (range === 'unicast') return null
  return V6_NAMES[range] ?? 'reserved'
}

/** The IPv4 address inside an IPv6 form that embeds one, with the form's name. */
function embeddedV4(ip: ipaddr.IPv6): { address: ipaddr.IPv4; form: string } | null {
  const p = ip.parts
  const v4 = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff])
  const zero = (from: number, to: number) => p.slice(from, to).every((x) => x === 0)
  // ::ffff:a.b.c.d (mapped)
  if (zero(0, 5) && p[5] === 0xffff) return { address: v4(p[6]!, p[7]!), form: 'IPv4-mapped' }
  // ::ffff:0:a.b.c.d (SIIT, RFC 6145)
  if (zero(0, 4) && p[4] === 0xffff && p[5] === 0) return { address: v4(p[6]!, p[7]!), form: 'IPv4-translated' }
  // ::a.b.c.d (IPv4-compatible, deprecated); :: and ::1 are themselves, not embedded
  if (zero(0, 6) && (p[6] !== 0 || p[7]! > 1)) return { address: v4(p[6]!, p[7]!), form: 'IPv4-compatible' }
  // 64:ff9b::a.b.c.d (NAT64 well-known prefix, RFC 6052)
  if (p[0] === 0x64 && p[1] === 0xff9b && zero(2, 6)) return { address: v4(p[6]!, p[7]!), form: 'NAT64' }
  // 64:ff9b:1::/48 (local-use NAT64, RFC 8215): the translated address is the last 32 bits
  if (p[0] === 0x64 && p[1] === 0xff9b && p[2] === 1) return { address: v4(p[6]!, p[7]!), form: 'local NAT64' }
  // 2002:aabb:ccdd::/48 (6to4)
  if (p[0] === 0x2002) return { address: v4(p[1]!, p[2]!), form: '6to4' }
  return null
}
