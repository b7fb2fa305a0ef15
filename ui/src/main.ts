import { listen } from "@tauri-apps/api/event";
import { call, type IpcError } from "./api";
import type { Account, ClipboardCleared, SignInFinished } from "./bindings";
import { clipboard } from "./clipboard";
import { closeBlocked } from "./close-guard";
import { announce } from "./status";
import { accountLabel } from "./views/account-menu";
import { keychainBanner } from "./views/keychain-banner";
import { secretsView } from "./views/secrets";
import { signInView } from "./views/signin";

const root = document.getElementById("app");

/** Every account signed in on this machine (restored from the keychain or added), in order. */
let accounts: Account[] = [];
let currentDid: string | null = null;

function remember(account: Account) {
  const index = accounts.findIndex((known) => known.did === account.did);
  if (index >= 0) accounts[index] = account;
  else accounts.push(account);
}

function showSignIn(notice?: string) {
  if (!root) return;
  const current = accounts.find((account) => account.did === currentDid);
  const screen = signInView(
    {
      signIn: (identity) =>
        signIn(identity, false).then((account) => {
          remember(account);
          showSecrets(account);
        }),
      cancel: () => void call("cancel_sign_in", {}),
      back: current ? { label: accountLabel(current), go: () => showSecrets(current) } : undefined,
    },
    notice,
  );
  screen.append(keychainBanner());
  root.replaceChildren(screen);
  document.getElementById("handle")?.focus();
}

/** Starts sign-in; the outcome arrives as an event because waiting for the browser takes long. */
async function signIn(identity: string, fullAccess: boolean): Promise<Account> {
  let finish: (payload: SignInFinished) => void = () => {};
  const finished = new Promise<SignInFinished>((resolve) => (finish = resolve));
  // Registered before starting, so even an instant failure is heard.
  const unlisten = await listen<SignInFinished>("sign-in-finished", (event) => finish(event.payload));
  try {
    await call("sign_in", { identity, fullAccess });
    const { account, error } = await finished;
    if (account) return account;
    throw new Error(error?.message ?? "Sign-in did not finish.");
  } catch (error) {
    if (error instanceof Error) throw error;
    throw new Error((error as IpcError).message);
  } finally {
    unlisten();
  }
}

async function signOut(account: Account) {
  let outcome;
  try {
    outcome = await call("sign_out", { did: account.did });
  } catch (error) {
    announce((error as IpcError).message, "problem");
    return;
  }
  accounts = accounts.filter((known) => known.did !== account.did);
  clipboard().reset();
  const message = outcome.revokedAtServer
    ? "Signed out."
    : "Signed out on this machine. Your PDS could not be reached to end the session there; it will expire on its own.";
  const next = accounts[0];
  if (next) {
    showSecrets(next);
    announce(`${accountLabel(account)}: ${message}`);
  } else {
    currentDid = null;
    showSignIn(message);
  }
}

function showSecrets(account: Account) {
  if (!root) return;
  currentDid = account.did;
  root.replaceChildren(
    secretsView(account, accounts, {
      switchAccount: (did) => {
        const target = accounts.find((known) => known.did === did);
        if (target) showSecrets(target);
      },
      addAccount: () => showSignIn(),
      signOut: () => signOut(account),
      reauthorize: async () => {
        const updated = await signIn(account.handle ?? account.did, true);
        remember(updated);
        showSecrets(updated);
        announce(`Signed in again as ${accountLabel(updated)}.`);
      },
      cancelReauthorize: () => void call("cancel_sign_in", {}),
    }),
  );
}

// Reload keys never reload the page: a reload would drop an open copy-once dialog (and the
// secrets screen uses them to refresh the list instead).
document.addEventListener("keydown", (event) => {
  if (event.key === "F5" || ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "r")) event.preventDefault();
});

async function start() {
  // The countdown's outcome comes from Rust; a failure to listen only loses that message.
  listen<ClipboardCleared>("clipboard-cleared", (event) => clipboard().cleared(event.payload)).catch(() => {});
  // Rust refused a window close because a token is not stored anywhere (see close-guard.ts).
  listen("close-blocked", () => closeBlocked()).catch(() => {});
  try {
    accounts = await call("restore_accounts", {});
    const first = accounts[0];
    if (first) showSecrets(first);
    else showSignIn();
  } catch (error) {
    showSignIn((error as IpcError).message);
  }
}

void start();
