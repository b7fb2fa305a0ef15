// Proves the stack's whole chain works, the way the app will use it:
//
//   handle --(PDS resolveHandle)--> DID --(PLC)--> DID doc --> #atproto_pds = our PDS
//   password session at the PDS --> XRPC to the PDS with `atproto-proxy` -->
//   PDS resolves did:web:localhost%3APORT, mints a service JWT (ES256K, user's
//   repo key, aud = service DID, lxm = NSID) --> wisp service verifies it
//   against the user's DID doc from the PLC --> 200 {"secrets": [...]};
//   then create/list/delete one secret the same way (POST bodies proxied too).
//
//   node check-proxy.mjs --dir DIR [--handle alice.test]
//
// Exits 0 and prints one line per step when all pass; exits 1 at the first
// failure with what was received.
import dns from 'node:dns'
import fs from 'node:fs'
import path from 'node:path'
import { parseArgs } from './lib.mjs'

// pdsUrl is http://localhost:PORT and only 127.0.0.1 is listened on.
dns.setDefaultResultOrder('ipv4first')

const args = parseArgs(process.argv.slice(2))
if (!args.dir || args.dir === true) {
  console.error('usage: node check-proxy.mjs --dir DIR [--handle alice.test]')
  process.exit(2)
}
const stack = JSON.parse(fs.readFileSync(path.join(path.resolve(args.dir), 'stack.json'), 'utf8'))
const handle = args.handle ?? 'alice.test'
const account = stack.accounts.find((a) => a.handle === handle)
if (!account) throw new Error(`no account ${handle} in stack.json`)
if (!stack.wispServiceDid) throw new Error('stack.json has no wisp service (started with --no-wisp?)')

let step = 0
function ok(msg) {
  console.log(`ok ${++step} - ${msg}`)
}
function fail(msg) {
  console.log(`not ok ${++step} - ${msg}`)
  console.log(`${step - 1} passed, 1 failed`)
  process.exit(1)
}

// A network failure becomes status 0 with the reason, so the step that made
// the call reports it as its own failure.
async function call(method, url, { headers = {}, body } = {}) {
  let res, text
  try {
    res = await fetch(url, {
      method,
      headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(10_000),
    })
    text = await res.text()
  } catch (err) {
    return { status: 0, json: undefined, text: `${method} ${url}: ${err.cause?.code ?? err.cause?.message ?? err.message}` }
  }
  let json
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: res.status, json, text }
}

const t0 = Date.now()

// 1. Handle -> DID through the PDS (.test handles have no DNS).
{
  const r = await call('GET', `${stack.pdsUrl}/xrpc/com.atproto.identity.resolveHandle?handle=${encodeURIComponent(handle)}`)
  if (r.status !== 200 || r.json?.did !== account.did) fail(`resolveHandle ${handle}: ${r.status} ${r.text}`)
  ok(`resolveHandle ${handle} -> ${r.json.did}`)
}

// 2. DID doc from the local PLC names the PDS and carries a signing key.
{
  const r = await call('GET', `${stack.plcUrl}/${account.did}`)
  const pds = r.json?.service?.find((s) => s.id === '#atproto_pds' || s.id === `${account.did}#atproto_pds`)
  const key = r.json?.verificationMethod?.find((v) => v.id.endsWith('#atproto'))
  if (r.status !== 200 || pds?.serviceEndpoint !== stack.pdsUrl || !key) fail(`PLC doc for ${account.did}: ${r.status} ${r.text}`)
  if (!r.json.alsoKnownAs?.includes(`at://${handle}`)) fail(`PLC doc lacks at://${handle}: ${r.text}`)
  ok(`PLC doc: #atproto_pds = ${pds.serviceEndpoint}, #atproto key ${key.publicKeyMultibase.slice(0, 12)}...`)
}

// 3. The wisp service's did:web document, at the URL the PDS will fetch.
{
  // did:web:localhost%3APORT -> http://localhost:PORT (http: dev mode, localhost only)
  const host = decodeURIComponent(stack.wispServiceDid.slice('did:web:'.length))
  const r = await call('GET', `http://${host}/.well-known/did.json`)
  const svc = r.json?.service?.find((s) => s.id === '#wisp_xrpc' || s.id === `${stack.wispServiceDid}#wisp_xrpc`)
  if (r.status !== 200 || r.json?.id !== stack.wispServiceDid || !svc) fail(`did.json: ${r.status} ${r.text}`)
  ok(`${stack.wispServiceDid} -> #wisp_xrpc ${svc.serviceEndpoint}`)
}

// 4. The PDS is its own OAuth authorization server (what the app's login uses).
{
  const pr = await call('GET', `${stack.pdsUrl}/.well-known/oauth-protected-resource`)
  const as = pr.json?.authorization_servers?.[0]
  if (pr.status !== 200 || !as) fail(`oauth-protected-resource: ${pr.status} ${pr.text}`)
  const md = await call('GET', `${as}/.well-known/oauth-authorization-server`)
  if (md.status !== 200 || md.json?.issuer !== as || !md.json?.pushed_authorization_request_endpoint) {
    fail(`oauth-authorization-server: ${md.status} ${md.text}`)
  }
  ok(`OAuth: protected resource -> issuer ${md.json.issuer}, PAR ${md.json.pushed_authorization_request_endpoint}`)
}

// 5. Password session at the PDS.
let accessJwt
{
  const r = await call('POST', `${stack.pdsUrl}/xrpc/com.atproto.server.createSession`, {
    body: { identifier: handle, password: account.password },
  })
  if (r.status !== 200 || !r.json?.accessJwt || r.json.did !== account.did) fail(`createSession: ${r.status} ${r.text}`)
  accessJwt = r.json.accessJwt
  ok(`createSession ${handle}`)
}

// 6. Without the proxy header the PDS does not know the method.
{
  const r = await call('GET', `${stack.pdsUrl}/xrpc/place.wisp.v2.secret.list`, {
    headers: { authorization: `Bearer ${accessJwt}` },
  })
  if (r.status === 200) fail(`secret.list without atproto-proxy unexpectedly answered 200: ${r.text}`)
  ok(`secret.list without atproto-proxy -> ${r.status} ${r.json?.error ?? ''}`)
}

// 7. The wisp service refuses a call that carries no service JWT.
{
  const r = await call('GET', `${stack.wispUrl}/xrpc/place.wisp.v2.secret.list`)
  if (r.status !== 401) fail(`direct secret.list without a JWT: expected 401, got ${r.status} ${r.text}`)
  ok(`direct secret.list without a JWT -> 401 ${r.json?.error ?? ''}`)
}

// 8. The chain: PDS proxies with a service JWT, the wisp service accepts it.
{
  const r = await call('GET', `${stack.pdsUrl}/xrpc/place.wisp.v2.secret.list`, {
    headers: { authorization: `Bearer ${accessJwt}`, 'atproto-proxy': stack.wispProxy },
  })
  if (r.status !== 200 || !Array.isArray(r.json?.secrets)) fail(`proxied secret.list: ${r.status} ${r.text}`)
  ok(`proxied secret.list (atproto-proxy: ${stack.wispProxy}) -> 200 ${r.text.trim()}`)
}

// 9-11. A procedure (POST with a JSON body) through the same chain, undone
// afterwards so the account is left as it was.
{
  const proxied = { authorization: `Bearer ${accessJwt}`, 'atproto-proxy': stack.wispProxy }
  const name = `stack-selftest-${process.pid}`
  const c = await call('POST', `${stack.pdsUrl}/xrpc/place.wisp.v2.secret.create`, { headers: proxied, body: { name } })
  if (c.status !== 200 || c.json?.name !== name || typeof c.json?.token !== 'string') fail(`proxied secret.create: ${c.status} ${c.text}`)
  ok(`proxied secret.create ${name} -> 200 token ${c.json.token.slice(0, 4)}... (${c.json.token.length} chars)`)
  const l = await call('GET', `${stack.pdsUrl}/xrpc/place.wisp.v2.secret.list`, { headers: proxied })
  if (l.status !== 200 || !l.json?.secrets?.some((x) => x.name === name)) fail(`proxied secret.list after create: ${l.status} ${l.text}`)
  ok(`proxied secret.list shows ${name}`)
  const d = await call('POST', `${stack.pdsUrl}/xrpc/place.wisp.v2.secret.delete`, { headers: proxied, body: { name } })
  if (d.status !== 200) fail(`proxied secret.delete: ${d.status} ${d.text}`)
  ok(`proxied secret.delete ${name} -> 200`)
}

console.log(`# proxy chain verified in ${Date.now() - t0} ms`)
console.log(`${step} passed, 0 failed`)
