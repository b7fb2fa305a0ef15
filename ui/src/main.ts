import { listen } from "@tauri-apps/api/event";
import { beforeChanges, call, type IpcError } from "./api";
import type { AccountView, InFlight, ProviderDescriptor, SecretRow, SignInFinished, SignInInput } from "./bindings";
import { clipboard } from "./clipboard";
import { showCustomNetwork } from "./network-line";
import { descriptorFor, sameAccount } from "./providers";
import { announce } from "./status";
import { keychainBanner } from "./views/keychain-banner";
import { secretsView } from "./views/secrets";
import { signInView } from "./views/signin";
import { listenOnFirstInput, listenToWindowEvents } from "./window-events";

const root = document.getElementById("app");

/** Every provider this build knows, loaded once at start: the screens render from these. */
let providers: ProviderDescriptor[] = [];
/** Every account signed in on this machine (restored from the keychain or added), in order. */
let accounts: AccountView[] = [];
let current: AccountView | null = null;
/** Requests an earlier run never heard back about, not yet shown (each goes to its account). */
let interrupted: InFlight[] = [];

function remember(account: AccountView) {
  const index = accounts.findIndex((known) => sameAccount(known.account, account.account));
  if (index >= 0) accounts[index] = account;
  else accounts.push(account);
}

function showSignIn(notice?: string) {
  if (!root) return;
  const back = current;
  const screen = signInView(
    providers,
    {
      signIn: (provider, identity) =>
        signIn(provider.id, { kind: "oauth", identity, fullAccess: false }).then((account) => {
          remember(account);
          showSecrets(account);
        }),
      // The key goes into this one call and nowhere else (no variable outlives it).
      signInWithKey: (provider, key) =>
        signIn(provider.id, { kind: "apiKey", key }).then((account) => {
          remember(account);
          showSecrets(account);
        }),
      signInWithCredentials: (provider, input) =>
        signIn(provider.id, input).then((account) => {
          remember(account);
          showSecrets(account);
        }),
      cancel: () => void call("cancel_sign_in", {}),
      back: back ? { label: back.label, go: () => showSecrets(back) } : undefined,
    },
    notice,
  );
  screen.append(keychainBanner(notice));
  root.replaceChildren(screen);
  // With several providers the choice comes first; else the field of the only one.
  const first =
    screen.querySelector<HTMLElement>('#provider-choice input[name="provider"]:checked') ??
    screen.querySelector<HTMLElement>(
      "#handle:not([hidden]), #api-key-field:not([hidden]) #api-key, #credentials-fields:not([hidden]) #server",
    );
  first?.focus();
}

/** An Error whose `code` is the IPC error code (the sign-in form branches on it). */
function withCode(message: string, code: string | undefined): Error {
  return Object.assign(new Error(message), { code });
}

/** Starts sign-in; the outcome arrives as an event because waiting for the browser takes long. */
async function signIn(provider: string, request: SignInInput): Promise<AccountView> {
  let finish: (payload: SignInFinished) => void = () => {};
  const finished = new Promise<SignInFinished>((resolve) => (finish = resolve));
  // Registered before starting, so even an instant failure is heard.
  const unlisten = await listen<SignInFinished>("sign-in-finished", (event) => finish(event.payload));
  try {
    await call("sign_in", { provider, request });
    const { account, error } = await finished;
    if (account) return account;
    throw withCode(error?.message ?? "Sign-in did not finish.", error?.code);
  } catch (error) {
    if (error instanceof Error) throw error;
    throw withCode((error as IpcError).message, (error as IpcError).code);
  } finally {
    unlisten();
  }
}

async function signOut(account: AccountView) {
  let outcome;
  try {
    outcome = await call("sign_out", { account: account.account });
  } catch (error) {
    announce((error as IpcError).message, "problem");
    return;
  }
  accounts = accounts.filter((known) => !sameAccount(known.account, account.account));
  clipboard().reset();
  const message = outcome.revokedAtServer
    ? "Signed out."
    : `Signed out on this machine. ${account.providerLabel} could not be reached to end the session there; it will expire on its own.`;
  const next = accounts[0];
  if (next) {
    showSecrets(next);
    announce(`${account.label}: ${message}`);
  } else {
    current = null;
    showSignIn(message);
  }
}

function showSecrets(account: AccountView, firstList?: Promise<SecretRow[]>) {
  if (!root) return;
  // Only accounts of known providers are kept (see start), so this is found.
  const provider = descriptorFor(providers, account.account);
  if (!provider) return;
  current = account;
  const mine = interrupted.filter((request) => sameAccount(request.account, account.account));
  interrupted = interrupted.filter((request) => !sameAccount(request.account, account.account));
  root.replaceChildren(
    secretsView(account, provider, accounts, {
      switchAccount: (ref) => {
        const target = accounts.find((known) => sameAccount(known.account, ref));
        if (target) showSecrets(target);
      },
      addAccount: () => showSignIn(),
      signOut: () => signOut(account),
      reauthorize: async () => {
        const updated = await signIn(account.account.provider, { kind: "oauth", identity: account.label, fullAccess: true });
        remember(updated);
        showSecrets(updated);
        announce(`Signed in again as ${updated.label}.`);
      },
      cancelReauthorize: () => void call("cancel_sign_in", {}),
    }, mine, firstList),
  );
}

// Reload keys never reload the page: a reload would drop an open copy-once dialog (and the
// secrets screen uses them to refresh the list instead).
document.addEventListener("keydown", (event) => {
  if (event.key === "F5" || ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "r")) event.preventDefault();
});

/** How long the first screen waits for its list before it shows "Loading…" instead. */
const FIRST_LIST_GRACE_MS = 200;

/** Waits until `answer` settles, but no longer than [`FIRST_LIST_GRACE_MS`]. */
async function shortly(answer: Promise<unknown>): Promise<void> {
  const settled = answer.then(
    () => undefined,
    () => undefined,
  );
  await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, FIRST_LIST_GRACE_MS))]);
}

async function start() {
  // Rust's events (clipboard cleared, close refused, reminder snoozed) are listened to once they
  // can matter, not now (see window-events.ts).
  beforeChanges(listenToWindowEvents);
  listenOnFirstInput();
  void showCustomNetwork();
  // All three asked at once (Rust answers them side by side), each awaited in the order the
  // first screen needs them.
  const providersAnswer = call("providers", {});
  const interruptedAnswer = call("interrupted_requests", {}).catch(() => []);
  const restoreAnswer = call("restore_accounts", {});
  // The list Rust fetched while this page loaded, if any: it belongs to the first account.
  const startUpAnswer = call("start_up_list", {}).catch(() => null);
  // Awaited below; this only keeps a refusal from counting as unhandled if providers fails first.
  restoreAnswer.catch(() => undefined);
  try {
    // Apart from restore_accounts, so a failed restore still leaves a way to sign in.
    providers = await providersAnswer;
  } catch (error) {
    showSignIn((error as IpcError).message);
    return;
  }
  // Before the first screen, so an account's screen can tell about its own.
  interrupted = await interruptedAnswer;
  try {
    const restored = await restoreAnswer;
    // An account of a provider this build does not know cannot be shown; it stays in the keychain.
    accounts = restored.filter((account) => descriptorFor(providers, account.account) !== undefined);
    const first = accounts[0];
    if (first) {
      // The list is in hand before the screen is built (start-up's, or asked for now and
      // waited for a moment), so the first frame shows it instead of a "Loading…" frame
      // whose layout and paint the list would then wait behind.
      const startUp = await startUpAnswer;
      const firstList =
        startUp !== null && sameAccount(startUp.account, first.account)
          ? Promise.resolve(startUp.rows)
          : call("list_secrets", { account: first.account });
      await shortly(firstList);
      showSecrets(first, firstList);
    } else showSignIn();
  } catch (error) {
    showSignIn((error as IpcError).message);
  }
}

void start();
