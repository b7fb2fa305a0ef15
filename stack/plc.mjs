// A local PLC directory (did:plc registry), in memory, bound to 127.0.0.1.
//
//   node plc.mjs --ready-file FILE [--port N]
//
// Port 0 (the default) lets the kernel pick; the chosen port is written, with
// the URL, to the ready file once the server listens. Nothing is persisted:
// every start is an empty directory, which is why stack.sh always starts the
// PDS with a fresh data dir alongside it.
import plcServer from '@did-plc/server'
import { LOOPBACK, bindLoopbackOnly, onShutdown, parseArgs, writeJsonAtomic } from './lib.mjs'

// @did-plc/server is CommonJS; its named exports arrive on the default object.
const { Database, PlcServer } = plcServer

const args = parseArgs(process.argv.slice(2))
if (!args['ready-file']) throw new Error('--ready-file is required')
const port = Number(args.port ?? 0)

const db = Database.mock()
const server = PlcServer.create({ db, port, version: '0.0.1-wispkey-local' })
bindLoopbackOnly(server.app)
const http = await server.start()
const actual = http.address().port
// Advertise `localhost`, not the IP: the PDS's fetch refuses IP-literal hosts
// (allowIpHost: false, even in dev mode), so a PLC URL of http://127.0.0.1:N
// makes every DID lookup fail with "Invalid hostname".
const url = `http://localhost:${actual}`

onShutdown(() => server.destroy())
writeJsonAtomic(args['ready-file'], { url, port: actual, pid: process.pid })
console.error(`[${new Date().toISOString()}] PLC directory listening on ${LOOPBACK}:${actual} (${url})`)
