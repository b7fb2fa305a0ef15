// Small helpers shared by the stack's processes. No dependencies beyond Node 22.
import fs from 'node:fs'
import net from 'node:net'
import path from 'node:path'

export const LOOPBACK = '127.0.0.1'

/**
 * Both @atproto/pds and @did-plc/server start with `app.listen(port)`, which
 * binds every interface. Wrap the Express app's `listen` so that the same call
 * binds the loopback address only. `app.listen(port)` forwards its arguments to
 * `http.Server#listen`, so inserting the host as the second argument is all it
 * takes; the rest of each server's start-up code runs unchanged.
 */
export function bindLoopbackOnly(app) {
  const listen = app.listen.bind(app)
  app.listen = (port, ...rest) => {
    // Drop a host the caller may have passed: we decide it.
    if (typeof rest[0] === 'string') rest.shift()
    return listen(port, LOOPBACK, ...rest)
  }
}

/** A free TCP port on the loopback address (the kernel picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.once('error', reject)
    srv.listen(0, LOOPBACK, () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

/** Write JSON to `file` atomically (readers never see half a file). */
export function writeJsonAtomic(file, value) {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`)
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 })
  fs.renameSync(tmp, file)
}

/** Parse `--name value` pairs (and bare `--flag`) into an object. */
export function parseArgs(argv) {
  const out = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--')) throw new Error(`unexpected argument: ${a}`)
    const key = a.slice(2)
    const next = argv[i + 1]
    if (next === undefined || next.startsWith('--')) out[key] = true
    else {
      out[key] = next
      i++
    }
  }
  return out
}

/**
 * Stop cleanly on TERM/INT, but never hang: after `graceMs` the process exits
 * anyway (stack.sh escalates to KILL later still, this just keeps stops fast).
 */
export function onShutdown(stop, graceMs = 2000) {
  let stopping = false
  const handler = (sig) => {
    if (stopping) return
    stopping = true
    console.error(`[${new Date().toISOString()}] ${sig}: shutting down`)
    setTimeout(() => process.exit(0), graceMs).unref()
    Promise.resolve()
      .then(stop)
      .catch((err) => console.error('shutdown error', err))
      .finally(() => process.exit(0))
  }
  process.on('SIGTERM', handler)
  process.on('SIGINT', handler)
}
