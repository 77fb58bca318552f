import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'
import type { Adapter, AdapterPayload, KoaContextWithOIDC } from 'oidc-provider'

/** A test account of the provider: its `sub` is the login name typed on the provider's page. */
export type TestAccount = {
  sub: string
  preferred_username?: string
  email?: string
  name?: string
  groups: string[]
}

export type TestClient = { clientId: string; clientSecret: string; redirectUri: string }

export type TestOidcProvider = {
  issuer: string
  /** The accounts by `sub`; change one's groups and its next sign-in sees them. */
  accounts: Map<string, TestAccount>
  /** Makes every authorization code issued so far expired (the provider's clock is not touched). */
  expireCodes: () => number
  close: () => Promise<void>
}

const epoch = () => Math.floor(Date.now() / 1000)

/** oidc-provider's storage in one Map of this provider, so that a test can expire its codes. */
function createStore() {
  const entries = new Map<string, AdapterPayload>()
  class MapAdapter implements Adapter {
    constructor(private readonly model: string) {}
    private key = (id: string) => `${this.model}:${id}`
    private first(match: (p: AdapterPayload) => boolean) {
      for (const [k, p] of entries) if (k.startsWith(`${this.model}:`) && match(p)) return p
      return undefined
    }
    async upsert(id: string, payload: AdapterPayload) {
      entries.set(this.key(id), { ...payload })
    }
    async find(id: string) {
      return entries.get(this.key(id))
    }
    async findByUid(uid: string) {
      return this.first((p) => p.uid === uid)
    }
    async findByUserCode(userCode: string) {
      return this.first((p) => p.userCode === userCode)
    }
    async consume(id: string) {
      const payload = entries.get(this.key(id))
      if (payload) payload.consumed = epoch()
    }
    async destroy(id: string) {
      entries.delete(this.key(id))
    }
    async revokeByGrantId(grantId: string) {
      for (const [k, p] of entries) if (p.grantId === grantId) entries.delete(k)
    }
  }
  const expire = (model: string) => {
    let n = 0
    for (const [k, p] of entries)
      if (k.startsWith(`${model}:`)) {
        p.exp = epoch() - 60
        n++
      }
    return n
  }
  return { MapAdapter, expire }
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`)

/** The provider's own sign-in page: a login name (an account's `sub`) and a password it ignores. */
function loginPage(uid: string, error?: string): string {
  return `<!doctype html><html><head><title>Test identity provider</title></head><body>
<h1>Test identity provider</h1>${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${escapeHtml(uid)}">
<label>Login <input name="login" autocomplete="username" autofocus></label>
<label>Password <input name="password" type="password"></label>
<button type="submit">Continue</button></form></body></html>`
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
}

/**
 * A real OpenID provider (oidc-provider) on 127.0.0.1 with a free port: one confidential client,
 * authorization code with PKCE required, the groups in the ID token (scope `groups`), and a
 * minimal login page; consent is implied for the scopes the client asks for.
 */
export async function startTestOidcProvider(options: {
  client: TestClient
  accounts: TestAccount[]
  /** Seconds an authorization code lives (60 unless given). */
  codeTtlS?: number
}): Promise<TestOidcProvider> {
  const accounts = new Map(options.accounts.map((a) => [a.sub, { ...a }]))
  const store = createStore()
  // Set once the port (and so the issuer) is known; the server answers 500 before that.
  const ready: { provider?: Provider; handle?: (req: IncomingMessage, res: ServerResponse) => void } = {}

  const server = createServer((req, res) => {
    void route(req, res).catch((err: unknown) => {
      res.statusCode = 500
      res.end(String(err))
    })
  })
  async function route(req: IncomingMessage, res: ServerResponse) {
    const uid = /^\/interaction\/([^/?]+)/.exec(req.url ?? '')?.[1]
    const { provider, handle } = ready
    if (!provider || !handle) throw new Error('provider not ready')
    if (!uid) return handle(req, res)
    if (req.method === 'GET') {
      res.setHeader('content-type', 'text/html; charset=utf-8')
      return res.end(loginPage(uid))
    }
    const login = (await readForm(req)).get('login')?.trim() ?? ''
    if (!accounts.has(login)) {
      res.setHeader('content-type', 'text/html; charset=utf-8')
      return res.end(loginPage(uid, `No test account "${login}".`))
    }
    await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false })
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const { clientId, clientSecret, redirectUri } = options.client
  const provider = new Provider(issuer, {
    adapter: store.MapAdapter,
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    scopes: ['openid', 'profile', 'email', 'groups'],
    claims: { profile: ['name', 'preferred_username'], email: ['email'], groups: ['groups'] },
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    ttl: {
      AuthorizationCode: options.codeTtlS ?? 60,
      Interaction: 600,
      Grant: 600,
      Session: 600,
      AccessToken: 600,
      IdToken: 600,
    },
    cookies: { keys: ['test-oidc-provider-cookie-key-0123456789'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: (_ctx, sub) => {
      const account = accounts.get(sub)
      if (!account) return undefined
      return { accountId: sub, claims: () => ({ ...accounts.get(sub), sub }) }
    },
    // The scopes the client asks for are granted without a consent page.
    async loadExistingGrant(ctx: KoaContextWithOIDC) {
      const { client, session } = ctx.oidc
      if (!client || !session?.accountId) return undefined
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId })
      grant.addOIDCScope(String(ctx.oidc.params?.scope ?? 'openid'))
      await grant.save()
      return grant
    },
  })
  ready.provider = provider
  ready.handle = provider.callback()

  return {
    issuer,
    accounts,
    expireCodes: () => store.expire('AuthorizationCode'),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
