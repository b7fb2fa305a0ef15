// Starts the whole local stack in the background and returns once it answers.
// Normally run through `scripts/stack.sh start --dir DIR`, which installs Node 22
// and the node_modules first and builds the wisp, Phala and Slate services if needed.
//
//   node start.mjs --dir DIR [--wisp-bin PATH | --no-wisp] [--phala-bin PATH] [--slate-bin PATH]
//                  [--plc-port N] [--pds-port N] [--wisp-port N] [--phala-port N] [--slate-port N]
//                  [--timeout SECONDS]
//
// Order: PLC directory, PDS, wisp service and (with --phala-bin / --slate-bin) the
// local Phala Cloud and Slate services all in parallel (the PDS and wisp only need the PLC's URL, known
// up front) -> demo accounts -> DIR/stack.json (also printed on stdout).
//
// Each server runs detached in its own process group (pgid = pid) with its
// output appended to DIR/<name>.log, so it outlives this script and
// `stack.sh stop` can end it and anything it spawned with one signal. PIDs are
// appended to DIR/pids as soon as each process exists, so that a start that
// fails half-way (or this script being killed) still leaves stop able to clean
// up. If any step fails, what was started is stopped again before exiting 1.
import { spawn } from 'node:child_process'
import crypto from 'node:crypto'
import dns from 'node:dns'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Secp256k1Keypair } from '@atproto/crypto'
import { freePort, parseArgs, writeJsonAtomic } from './lib.mjs'

// Whatever /etc/hosts says, `localhost` must mean 127.0.0.1 here: nothing
// listens on ::1.
dns.setDefaultResultOrder('ipv4first')

const t0 = Number(process.env.WISPKEY_STACK_T0_MS) || Date.now()
const here = path.dirname(fileURLToPath(import.meta.url))
const args = parseArgs(process.argv.slice(2))
if (!args.dir || args.dir === true) usage('--dir DIR is required')
const dir = path.resolve(args.dir)
const timeoutMs = Number(args.timeout ?? 90) * 1000
const deadline = Date.now() + timeoutMs
const withWisp = !args['no-wisp']
if (withWisp && (!args['wisp-bin'] || args['wisp-bin'] === true)) usage('--wisp-bin PATH (or --no-wisp) is required')
if (args['phala-bin'] === true) usage('--phala-bin needs a PATH')
const withPhala = Boolean(args['phala-bin'])
if (args['slate-bin'] === true) usage('--slate-bin needs a PATH')
const withSlate = Boolean(args['slate-bin'])

// Demo accounts. Fixed, documented passwords: this stack is loopback-only test
// data, and tests and the demo script need to log in with them.
const ACCOUNTS = [
  { handle: 'alice.test', email: 'alice@example.test', password: 'alice-pass-1234' },
  { handle: 'bob.test', email: 'bob@example.test', password: 'bob-pass-1234' },
]

const children = [] // { name, child, exited: null | {code, signal} }

function usage(msg) {
  console.error(`start.mjs: ${msg}`)
  console.error('usage: node start.mjs --dir DIR [--wisp-bin PATH | --no-wisp] [--phala-bin PATH] [--slate-bin PATH] [--plc-port N] [--pds-port N] [--wisp-port N] [--phala-port N] [--slate-port N] [--timeout S]')
  process.exit(2)
}

function log(msg) {
  console.error(`[stack +${Date.now() - t0}ms] ${msg}`)
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

function tail(file, lines = 30) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

/** Refuse to start over a stack that is still running from the same DIR. */
function assertNotRunning() {
  const pidsFile = path.join(dir, 'pids')
  if (!fs.existsSync(pidsFile)) return
  for (const line of fs.readFileSync(pidsFile, 'utf8').split('\n')) {
    const [name, pid] = line.trim().split(/\s+/)
    if (!pid) continue
    let env = ''
    try {
      env = fs.readFileSync(`/proc/${pid}/environ`, 'utf8')
    } catch {
      continue // gone
    }
    if (env.split('\0').includes(`WISPKEY_STACK_DIR=${dir}`)) {
      console.error(`start.mjs: a stack is already running from ${dir} (${name} pid ${pid}); run 'scripts/stack.sh stop --dir ${dir}' first`)
      process.exit(1)
    }
  }
}

/** Remove what a previous run left in DIR (only the paths this script makes). */
function resetDir() {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  for (const p of ['pds', 'wisp', 'phala', 'slate', 'run', 'pids', 'stack.json', 'plc.log', 'pds.log', 'wisp.log', 'phala.log', 'slate.log']) {
    fs.rmSync(path.join(dir, p), { recursive: true, force: true })
  }
  for (const p of ['pds', 'pds/blobs', 'wisp', 'phala', 'slate', 'run']) fs.mkdirSync(path.join(dir, p), { recursive: true, mode: 0o700 })
}

function start(name, cmd, argv, extraEnv = {}) {
  const logFile = path.join(dir, `${name}.log`)
  const fd = fs.openSync(logFile, 'a')
  const child = spawn(cmd, argv, {
    cwd: here,
    // Own process group (setsid), so stop can signal the whole group.
    detached: true,
    stdio: ['ignore', fd, fd],
    // WISPKEY_STACK_DIR marks the process as ours: stop checks it in
    // /proc/PID/environ before signalling, so a recycled PID is never hit.
    env: { ...process.env, ...extraEnv, WISPKEY_STACK_DIR: dir },
  })
  fs.closeSync(fd)
  const entry = { name, child, logFile, exited: null }
  child.on('exit', (code, signal) => (entry.exited = { code, signal }))
  child.on('error', (err) => (entry.exited = { code: null, signal: null, err }))
  if (child.pid) fs.appendFileSync(path.join(dir, 'pids'), `${name} ${child.pid}\n`)
  children.push(entry)
  log(`started ${name} (pid ${child.pid}), log ${logFile}`)
  return entry
}

/**
 * Poll `probe` until it returns a value. Fails early if any started process
 * died (not only `entry`): the stack is useless without all of them.
 */
async function waitFor(entry, what, probe) {
  for (;;) {
    const dead = children.find((c) => c.exited)
    if (dead) {
      const how = dead.exited.err ? String(dead.exited.err) : `exit code ${dead.exited.code}, signal ${dead.exited.signal}`
      throw new Error(`${dead.name} exited while waiting for ${entry.name}: ${what} (${how}). Last lines of ${dead.logFile}:\n${tail(dead.logFile)}`)
    }
    let value
    try {
      value = await probe()
    } catch {
      value = undefined
    }
    if (value !== undefined && value !== null && value !== false) return value
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${entry.name}: ${what}. Last lines of ${entry.logFile}:\n${tail(entry.logFile)}`)
    }
    await sleep(50)
  }
}

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'))

async function getJson(url, init) {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5000) })
  const body = await res.text()
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url} -> ${res.status} ${body}`)
  return JSON.parse(body)
}

async function stopAll() {
  for (const { child, exited } of children) {
    if (!exited && child.pid) try { process.kill(-child.pid, 'SIGTERM') } catch {}
  }
  const until = Date.now() + 3000
  while (Date.now() < until && children.some((c) => !c.exited)) await sleep(50)
  for (const { child, exited } of children) {
    if (!exited && child.pid) try { process.kill(-child.pid, 'SIGKILL') } catch {}
  }
  fs.rmSync(path.join(dir, 'pids'), { force: true })
}

async function main() {
  assertNotRunning()
  resetDir()
  const run = (f) => path.join(dir, 'run', f)

  // (a) PLC directory. Its port is picked here rather than by the PLC itself so
  // that the PDS and the wisp service (which only need the URL) can start in
  // parallel with it instead of waiting ~0.7 s for it to come up.
  const plcPort = Number(args['plc-port'] ?? 0) || (await freePort())
  // `localhost`, not 127.0.0.1: the PDS refuses IP-literal hosts in URLs it
  // fetches (see plc.mjs).
  const plcUrl = `http://localhost:${plcPort}`
  const plc = start('plc', process.execPath, ['plc.mjs', '--ready-file', run('plc.json'), '--port', String(plcPort)])

  // (b) PDS, dev mode. Fresh secrets and PLC rotation key on every start: the
  // PLC directory is in memory, so nothing from an earlier run could be valid.
  const rotationKey = await Secp256k1Keypair.create({ exportable: true })
  const rotationKeyHex = Buffer.from(await rotationKey.export()).toString('hex')
  const adminPassword = crypto.randomBytes(16).toString('hex')
  const pds = start('pds', process.execPath, ['--dns-result-order=ipv4first', 'pds.mjs', '--ready-file', run('pds.json')], {
    PDS_HOSTNAME: 'localhost',
    PDS_PORT: String(args['pds-port'] ?? 0),
    PDS_DEV_MODE: 'true',
    PDS_DATA_DIRECTORY: path.join(dir, 'pds'),
    PDS_BLOBSTORE_DISK_LOCATION: path.join(dir, 'pds', 'blobs'),
    PDS_DID_PLC_URL: plcUrl,
    PDS_SERVICE_HANDLE_DOMAINS: '.test',
    PDS_INVITE_REQUIRED: 'false',
    PDS_JWT_SECRET: crypto.randomBytes(32).toString('hex'),
    PDS_DPOP_SECRET: crypto.randomBytes(32).toString('hex'),
    PDS_ADMIN_PASSWORD: adminPassword,
    PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX: rotationKeyHex,
    LOG_ENABLED: 'true',
    LOG_LEVEL: process.env.PDS_LOG_LEVEL || 'info',
  })

  // (c) wisp-compatible service; it needs only the PLC URL, so it starts
  // alongside the PDS. It prints one JSON line on stdout when ready.
  let wisp = null
  if (withWisp) {
    const keyFile = path.join(dir, 'wisp', 'encryption.key')
    fs.writeFileSync(keyFile, crypto.randomBytes(32), { mode: 0o600 })
    wisp = start('wisp', path.resolve(args['wisp-bin']), [
      '--bind', `127.0.0.1:${args['wisp-port'] ?? 0}`,
      '--plc-url', plcUrl,
      '--state', path.join(dir, 'wisp', 'state.json'),
      '--encryption-key-file', keyFile,
      '--enable-test-control',
    ])
  }

  // (c') local Phala Cloud service (crates/phala-service): needs nothing else.
  // --seed-demo gives it a demo workspace whose key and TOTP secret go into
  // stack.json; its ready line carries them too.
  let phala = null
  if (withPhala) {
    phala = start('phala', path.resolve(args['phala-bin']), [
      '--bind', `127.0.0.1:${args['phala-port'] ?? 0}`,
      '--state', path.join(dir, 'phala', 'state.json'),
      '--seed-demo', path.join(dir, 'phala', 'demo.json'),
      '--enable-test-control',
    ])
  }

  // (c'') local Slate service (crates/slate-service): needs nothing else.
  // --seed-demo gives it the demo staff users (one with TOTP and six API
  // tokens, one without TOTP); their sign-in details are read from the demo
  // file (the ready line leaves passwords and seeds out) into stack.json.
  let slate = null
  if (withSlate) {
    slate = start('slate', path.resolve(args['slate-bin']), [
      '--bind', `127.0.0.1:${args['slate-port'] ?? 0}`,
      '--state', path.join(dir, 'slate', 'state.json'),
      '--seed-demo', path.join(dir, 'slate', 'demo.json'),
      '--enable-test-control',
    ])
  }

  await waitFor(plc, 'its ready file', () => readJson(run('plc.json')))
  await waitFor(plc, `${plcUrl}/_health`, () => getJson(`${plcUrl}/_health`))
  log(`PLC ready at ${plcUrl}`)

  const pdsReady = await waitFor(pds, 'its ready file', () => readJson(run('pds.json')))
  // Probe over 127.0.0.1; pdsUrl itself says localhost (the PDS's public URL).
  const pdsLocal = `http://127.0.0.1:${pdsReady.port}`
  await waitFor(pds, '/xrpc/_health', () => getJson(`${pdsLocal}/xrpc/_health`))
  log(`PDS ready at ${pdsReady.url}`)

  let wispInfo = null
  if (wisp) {
    wispInfo = await waitFor(wisp, 'its ready line on stdout', () => {
      for (const line of fs.readFileSync(wisp.logFile, 'utf8').split('\n')) {
        if (!line.startsWith('{')) continue
        try {
          const o = JSON.parse(line)
          if (o.url && o.did && o.port) return o
        } catch {}
      }
    })
    // The PDS resolves did:web:localhost%3APORT at http://localhost:PORT, so
    // check the document over that exact URL.
    const didUrl = `http://localhost:${wispInfo.port}/.well-known/did.json`
    const doc = await waitFor(wisp, didUrl, () => getJson(didUrl))
    if (doc.id !== wispInfo.did) throw new Error(`${didUrl} has id ${doc.id}, expected ${wispInfo.did}`)
    log(`wisp service ready at ${wispInfo.url} (${wispInfo.did})`)
  }

  let phalaInfo = null
  if (phala) {
    phalaInfo = await waitFor(phala, 'its ready line on stdout', () => {
      for (const line of fs.readFileSync(phala.logFile, 'utf8').split('\n')) {
        if (!line.startsWith('{')) continue
        try {
          const o = JSON.parse(line)
          if (o.url && o.port && o.demo) return o
        } catch {}
      }
    })
    const listUrl = `${phalaInfo.url}/api/v1/workspace/webhooks`
    const hooks = await waitFor(phala, listUrl, () => getJson(listUrl, { headers: { 'X-API-Key': phalaInfo.demo.apiKey } }))
    log(`Phala service ready at ${phalaInfo.url} (demo workspace ${phalaInfo.demo.workspaceId}, ${hooks.length} webhooks)`)
  }

  let slateInfo = null
  if (slate) {
    slateInfo = await waitFor(slate, 'its ready line on stdout', () => {
      for (const line of fs.readFileSync(slate.logFile, 'utf8').split('\n')) {
        if (!line.startsWith('{')) continue
        try {
          const o = JSON.parse(line)
          if (o.url && o.port && o.demo) return o
        } catch {}
      }
    })
    slateInfo.demo = readJson(path.join(dir, 'slate', 'demo.json'))
    // Health: the staff user without TOTP signs in (no code needed).
    const loginUrl = `${slateInfo.url}/api/admin/users/login`
    const plain = slateInfo.demo.withoutTotp
    await waitFor(slate, loginUrl, () =>
      getJson(loginUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: plain.email, password: plain.password }),
      }),
    )
    log(`Slate service ready at ${slateInfo.url} (demo users ${slateInfo.demo.email}, ${plain.email})`)
  }

  // (d) Demo accounts, created concurrently (independent PLC operations).
  const accounts = await Promise.all(
    ACCOUNTS.map(async (a) => {
      const res = await getJson(`${pdsLocal}/xrpc/com.atproto.server.createAccount`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(a),
      })
      return { handle: res.handle, did: res.did, password: a.password, email: a.email }
    }),
  )
  log(`accounts: ${accounts.map((a) => `${a.handle}=${a.did}`).join(', ')}`)

  const pids = Object.fromEntries(children.map((c) => [c.name, c.child.pid]))
  const info = {
    dir,
    plcUrl,
    pdsUrl: pdsReady.url,
    pdsPort: pdsReady.port,
    pdsDid: pdsReady.did,
    pdsVersion: pdsReady.version,
    pdsAdminPassword: adminPassword,
    wispUrl: wispInfo?.url ?? null,
    wispPort: wispInfo?.port ?? null,
    wispServiceDid: wispInfo?.did ?? null,
    wispProxy: wispInfo ? `${wispInfo.did}#wisp_xrpc` : null,
    wispTestControl: wispInfo ? `${wispInfo.url}/_test` : null,
    phalaUrl: phalaInfo?.url ?? null,
    phalaPort: phalaInfo?.port ?? null,
    phalaTestControl: phalaInfo ? `${phalaInfo.url}/_test` : null,
    phalaDemo: phalaInfo?.demo ?? null,
    slateUrl: slateInfo?.url ?? null,
    slatePort: slateInfo?.port ?? null,
    slateTestControl: slateInfo?.testControl ?? null,
    slateDemo: slateInfo?.demo ?? null,
    accounts,
    pids,
    logs: Object.fromEntries(children.map((c) => [c.name, c.logFile])),
    startupMs: Date.now() - t0,
  }
  writeJsonAtomic(path.join(dir, 'stack.json'), info)
  process.stdout.write(JSON.stringify(info, null, 2) + '\n')
  log(`stack up in ${info.startupMs} ms`)
}

// A signal to this script while it starts things: clean up, then die.
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => stopAll().finally(() => process.exit(130)))
}

try {
  await main()
  // The children are detached and unref'd; let this process exit now.
  for (const { child } of children) child.unref()
  process.exit(0)
} catch (err) {
  console.error(`start.mjs: ${err.message}`)
  await stopAll()
  process.exit(1)
}
