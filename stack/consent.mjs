// Plays the user on the reference PDS's OAuth consent page, for Wispkey's tests and benchmark.
// It is what WISPKEY_BROWSER runs (through consent-browser.sh): it receives the authorization URL
// the app would open in a browser, signs in and clicks Authorize (or Deny access), and the
// browser then follows the redirect to the app's loopback listener, like a person would.
//
//   node consent.mjs <authorize-url> [--handle H] [--password P] [--deny] [--mode playwright|api]
//
// Flags fall back to environment variables, so the app side can pass them per process:
//   WISPKEY_CONSENT_HANDLE, WISPKEY_CONSENT_PASSWORD,
//   WISPKEY_CONSENT_ACTION = authorize | deny, WISPKEY_CONSENT_MODE = playwright | api
//
//   WISPKEY_CONSENT_TAMPER = code  (api mode, tests only: deliver a corrupted code)
//   WISPKEY_CONSENT_FILE = a JSON file {"handle", "password"} read when the page opens, so a
//                          test can switch accounts between two sign-ins of one app process
//
// Modes:
//   playwright (default)  the real page in Debian's /usr/bin/chromium via playwright-core
//                         (headless, fresh profile). Works on Node 20 and 22.
//   api                   the JSON API the page itself calls (/@atproto/oauth-provider/~api/
//                         sign-in, then consent or reject), with the page's fetch-metadata, CSRF
//                         header and cookies. Internal to @atproto/oauth-provider and version
//                         dependent (checked against 0.22 / PDS 0.5.35); about 10x faster, for
//                         the login benchmark. The redirect is still delivered over HTTP to the
//                         loopback listener.
//
// Exit status: 0 when the redirect reached the app, 1 when the page refused (e.g. wrong
// password: the reason is printed), 2 for a usage error. Lines on stderr start with "consent:".
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'

const CHROMIUM = process.env.WISPKEY_CHROMIUM || '/usr/bin/chromium'
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]
const STEP_TIMEOUT_MS = Number(process.env.WISPKEY_CONSENT_STEP_TIMEOUT_MS || 20000)

function log(message) {
  process.stderr.write(`consent: ${message}\n`)
}

function parse(argv) {
  const options = {
    url: undefined,
    handle: process.env.WISPKEY_CONSENT_HANDLE,
    password: process.env.WISPKEY_CONSENT_PASSWORD,
    action: process.env.WISPKEY_CONSENT_ACTION || 'authorize',
    mode: process.env.WISPKEY_CONSENT_MODE || 'playwright',
  }
  if (process.env.WISPKEY_CONSENT_FILE) {
    const who = JSON.parse(fs.readFileSync(process.env.WISPKEY_CONSENT_FILE, 'utf8'))
    options.handle = who.handle
    options.password = who.password
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--handle') options.handle = argv[++i]
    else if (arg === '--password') options.password = argv[++i]
    else if (arg === '--deny') options.action = 'deny'
    else if (arg === '--mode') options.mode = argv[++i]
    else if (!arg.startsWith('--') && !options.url) options.url = arg
    else usage(`unknown argument ${arg}`)
  }
  if (!options.url) usage('the authorization URL is required')
  if (!['authorize', 'deny'].includes(options.action)) usage(`bad action ${options.action}`)
  if (!['playwright', 'api'].includes(options.mode)) usage(`bad mode ${options.mode}`)
  if (!options.handle || !options.password) {
    usage('--handle and --password (or WISPKEY_CONSENT_HANDLE/PASSWORD) are required')
  }
  return options
}

function usage(message) {
  log(message)
  log('usage: node consent.mjs <authorize-url> [--handle H] [--password P] [--deny] [--mode playwright|api]')
  process.exit(2)
}

/** Where the authorization server sends the browser back to: the app's loopback listener. */
function redirectTarget(authorizeUrl) {
  const clientId = new URL(authorizeUrl).searchParams.get('client_id') || ''
  try {
    const redirect = new URL(clientId).searchParams.get('redirect_uri')
    if (redirect) return redirect
  } catch {}
  return 'http://127.0.0.1'
}

async function withPlaywright({ url, handle, password, action }) {
  const { chromium } = await import('playwright-core')
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'wispkey-consent-'))
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
  })
  const page = browser.pages()[0] || (await browser.newPage())
  try {
    page.setDefaultTimeout(STEP_TIMEOUT_MS)
    const target = redirectTarget(url)
    const redirected = page.waitForURL((u) => u.href.startsWith(target), {
      timeout: STEP_TIMEOUT_MS * 2,
      waitUntil: 'commit',
    })
    redirected.catch(() => {}) // awaited below; avoid an unhandled rejection meanwhile
    await page.goto(url)

    const username = page.locator('input[name="username"]')
    await username.waitFor()
    // With a login_hint the page prefills the username and makes it read-only.
    if ((await username.getAttribute('readonly')) === null) await username.fill(handle)
    await page.locator('input[name="password"]').fill(password)
    await page.getByRole('button', { name: 'Sign in', exact: true }).click()
    // Signed in: the consent screen. Refused: the page shows an alert and stays.
    const authorize = page.getByRole('button', { name: 'Authorize', exact: true })
    const refused = page.getByRole('alert')
    const outcome = await Promise.race([
      authorize.waitFor().then(() => 'consent'),
      refused.first().waitFor().then(() => 'refused'),
    ])
    if (outcome === 'refused') {
      const text = (await refused.first().innerText()).trim()
      log(`sign-in refused by the page: ${text}`)
      return 1
    }
    if (action === 'deny') {
      await page.getByRole('button', { name: 'Deny access', exact: true }).click()
    } else {
      await authorize.click()
    }
    await redirected
    log(`redirected to the app (${action})`)
    // Let the app answer the redirect before the browser goes away.
    await page.waitForLoadState('load').catch(() => {})
    return 0
  } catch (error) {
    // What the page showed when a step failed, for whoever reads the log.
    const text = await page.locator('body').innerText({ timeout: 2000 }).catch(() => '(no page text)')
    log(`page at ${page.url()} showed: ${text.replace(/\s+/g, ' ').slice(0, 600)}`)
    const dir = process.env.WISPKEY_CONSENT_ARTIFACTS
    if (dir) {
      const shot = path.join(dir, `consent-${Date.now()}.png`)
      await page.screenshot({ path: shot }).then(() => log(`screenshot: ${shot}`)).catch(() => {})
    }
    throw error
  } finally {
    await browser.close().catch(() => {})
    fs.rmSync(profile, { recursive: true, force: true })
  }
}

/** A minimal cookie jar: name=value pairs from Set-Cookie, sent back on every request. */
class Jar {
  cookies = new Map()
  take(headers) {
    const lines = headers['set-cookie'] || []
    for (const line of Array.isArray(lines) ? lines : [lines]) {
      const [pair] = line.split(';')
      const eq = pair.indexOf('=')
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim())
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }
}

/**
 * One HTTP exchange with exactly the headers given. Not fetch(): it overrides the
 * sec-fetch-* headers the provider checks (it would always say "cors").
 */
async function send(method, url, headers, body) {
  const target = new URL(url)
  const { request } = await import(target.protocol === 'https:' ? 'node:https' : 'node:http')
  return new Promise((resolve, reject) => {
    const req = request(target, { method, headers }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.setTimeout(STEP_TIMEOUT_MS, () => req.destroy(new Error(`timeout: ${method} ${url}`)))
    req.end(body)
  })
}

async function withApi({ url, handle, password, action }) {
  const authorizeUrl = new URL(url)
  const origin = authorizeUrl.origin
  const jar = new Jar()
  const page = await send('GET', authorizeUrl, {
    accept: 'text/html',
    'sec-fetch-mode': 'navigate',
    'sec-fetch-site': 'none',
    'sec-fetch-dest': 'document',
  })
  jar.take(page.headers)
  if (page.status !== 200) {
    log(`authorization page answered HTTP ${page.status}`)
    return 1
  }
  const api = async (endpoint, body, extra = {}) => {
    const response = await send(
      'POST',
      `${origin}/@atproto/oauth-provider/~api${endpoint}`,
      {
        'content-type': 'application/json',
        origin,
        referer: authorizeUrl.href,
        'sec-fetch-mode': 'same-origin',
        'sec-fetch-site': 'same-origin',
        'sec-fetch-dest': 'empty',
        'x-csrf-token': jar.cookies.get('csrf-token') || '',
        cookie: jar.header(),
        ...extra,
      },
      JSON.stringify(body),
    )
    jar.take(response.headers)
    let json = {}
    try {
      json = JSON.parse(response.text)
    } catch {}
    return { status: response.status, json }
  }

  const signIn = await api('/sign-in', { locale: 'en', username: handle, password, remember: false })
  if (signIn.status !== 200) {
    log(`sign-in refused by the page: ${signIn.json.error_description || signIn.json.error || signIn.status}`)
    return 1
  }
  let next
  if (action === 'deny') {
    next = (await api('/reject', {})).json.url
  } else {
    const did = signIn.json.account?.sub || signIn.json.account?.did
    const auth = signIn.json.ephemeralToken ? { authorization: `Bearer ${signIn.json.ephemeralToken}` } : {}
    const consent = await api('/consent', { did }, auth)
    next = consent.json.url
    if (!next) log(`consent answered HTTP ${consent.status}: ${JSON.stringify(consent.json)}`)
  }
  if (!next) {
    log(`the server gave no redirect for ${action}`)
    return 1
  }
  // `next` is the server's /oauth/authorize/redirect page; the browser would turn its
  // parameters into a navigation to the redirect URI. Do exactly that.
  const redirect = new URL(next)
  const target = new URL(redirect.searchParams.get('redirect_uri'))
  for (const [key, value] of redirect.searchParams) {
    if (key !== 'redirect_uri' && key !== 'redirect_mode') target.searchParams.set(key, value)
  }
  if (process.env.WISPKEY_CONSENT_TAMPER === 'code' && target.searchParams.has('code')) {
    // For the test of a refused code exchange: a redirect with the right state, a wrong code.
    target.searchParams.set('code', `${target.searchParams.get('code')}-tampered`)
    log('tampered with the code before delivering it')
  }
  const delivered = await send('GET', target, { accept: 'text/html' })
  log(`redirected to the app (${action}), it answered HTTP ${delivered.status}`)
  return 0
}

const options = parse(process.argv.slice(2))
const started = Date.now()
try {
  const code = options.mode === 'api' ? await withApi(options) : await withPlaywright(options)
  log(`done in ${Date.now() - started} ms (mode ${options.mode}, exit ${code})`)
  process.exit(code)
} catch (error) {
  log(`failed: ${error?.message || error}`)
  process.exit(1)
}
