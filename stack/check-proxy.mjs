// Proves the stack's whole chain works, the way the app will use it:
//
//   handle --(PDS resolveHandle)--> DID --(PLC)--> DID doc --> #atproto_pds = our PDS
//   password session at the PDS --> XRPC to the PDS with `atproto-proxy` -->
//   PDS resolves did:web:localhost%3APORT, mints a service JWT (ES256K, user's
//   repo key, aud = service DID, lxm = NSID) --> wisp service verifies it
//   against the user's DID doc from the PLC --> 200 {"secrets": [...]}
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
  process.exit(1)
}

async function call(method, url, { headers = {}, body } = {}) {
  const res = await fetch(url, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(10_000),
  })
  const text = await res.text()
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
  const port = decodeURIComponent(stack.wispServiceDid.split(':').pop())
  const r = await call('GET', `http://localhost:${port}/.well-known/did.json`)
  const svc = r.json?.service?.find((s) => s.id === '#wisp_xrpc' || s.id === `${stack.wispServiceDid}#wisp_xrpc`)
  if (r.status !== 200 || r.json?.id !== stack.wispServiceDid || !svc) fail(`did.json: ${r.status} ${r.text}`)
  ok(`${stack.wispServiceDid} -> #wisp_xrpc ${svc.serviceEndpoint}`)
}

// 4. Password session at the PDS.
let accessJwt
{
  const r = await call('POST', `${stack.pdsUrl}/xrpc/com.atproto.server.createSession`, {
    body: { identifier: handle, password: account.password },
  })
  if (r.status !== 200 || !r.json?.accessJwt || r.json.did !== account.did) fail(`createSession: ${r.status} ${r.text}`)
  accessJwt = r.json.accessJwt
  ok(`createSession ${handle}`)
}

// 5. Without the proxy header the PDS does not know the method.
{
  const r = await call('GET', `${stack.pdsUrl}/xrpc/place.wisp.v2.secret.list`, {
    headers: { authorization: `Bearer ${accessJwt}` },
  })
  if (r.status === 200) fail(`secret.list without atproto-proxy unexpectedly answered 200: ${r.text}`)
  ok(`secret.list without atproto-proxy -> ${r.status} ${r.json?.error ?? ''}`)
}

// 6. The wisp service refuses a call that carries no service JWT.
{
  const r = await call('GET', `${stack.wispUrl}/xrpc/place.wisp.v2.secret.list`)
  if (r.status !== 401) fail(`direct secret.list without a JWT: expected 401, got ${r.status} ${r.text}`)
  ok(`direct secret.list without a JWT -> 401 ${r.json?.error ?? ''}`)
}

// 7. The chain: PDS proxies with a service JWT, the wisp service accepts it.
{
  const r = await call('GET', `${stack.pdsUrl}/xrpc/place.wisp.v2.secret.list`, {
    headers: { authorization: `Bearer ${accessJwt}`, 'atproto-proxy': stack.wispProxy },
  })
  if (r.status !== 200 || !Array.isArray(r.json?.secrets)) fail(`proxied secret.list: ${r.status} ${r.text}`)
  ok(`proxied secret.list (atproto-proxy: ${stack.wispProxy}) -> 200 ${r.text.trim()}`)
}

console.log(`# proxy chain verified in ${Date.now() - t0} ms`)
