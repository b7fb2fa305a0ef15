// The reference PDS (@atproto/pds, with its OAuth authorization server), bound
// to 127.0.0.1.
//
//   node --dns-result-order=ipv4first pds.mjs --ready-file FILE
//
// Configuration comes from the PDS_* environment variables, read by the PDS's
// own readEnv()/envToCfg()/envToSecrets(), exactly as its official entry point
// does; start.mjs sets them (secrets go through the environment, not argv, so
// they do not show in `ps`). The only departures from `PDS.run()`:
//   - if PDS_PORT is unset, a free loopback port is picked here, because the
//     port is part of the PDS's public URL (http://localhost:<port>) and so must
//     be known before the config is built;
//   - `listen` is wrapped to bind 127.0.0.1 instead of every interface.
import { PDS, envToCfg, envToSecrets, readEnv } from '@atproto/pds'
import { bindLoopbackOnly, freePort, onShutdown, parseArgs, writeJsonAtomic } from './lib.mjs'

const args = parseArgs(process.argv.slice(2))
if (!args['ready-file']) throw new Error('--ready-file is required')

if (!process.env.PDS_PORT || process.env.PDS_PORT === '0') {
  process.env.PDS_PORT = String(await freePort())
}

const tImported = performance.now() // ms since this process started
const env = readEnv()
const cfg = envToCfg(env)
const secrets = envToSecrets(env)
const pds = await PDS.create(cfg, secrets)
bindLoopbackOnly(pds.app)
await pds.start()

const port = pds.server.address().port
onShutdown(() => pds.destroy())
writeJsonAtomic(args['ready-file'], {
  url: cfg.service.publicUrl,
  port,
  did: cfg.service.did,
  version: cfg.service.version,
  pid: process.pid,
})
console.error(
  `[${new Date().toISOString()}] PDS ${cfg.service.version} listening on 127.0.0.1:${port} as ${cfg.service.publicUrl}` +
    ` (${Math.round(performance.now())} ms after process start, of which loading modules ${Math.round(tImported)} ms)`,
)
