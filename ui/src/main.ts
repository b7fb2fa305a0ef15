import { listen } from "@tauri-apps/api/event";
import { call, type IpcError } from "./api";
import type { Account, SignInFinished } from "./bindings";
import { keychainBanner } from "./views/keychain-banner";
import { secretsView } from "./views/secrets";
import { signInView } from "./views/signin";

const root = document.getElementById("app");

function showSignIn(notice?: string) {
  if (!root) return;
  const screen = signInView(
    {
      signIn: (identity) => signIn(identity).then(showSecrets),
      cancel: () => void call("cancel_sign_in", {}),
    },
    notice,
  );
  screen.append(keychainBanner());
  root.replaceChildren(screen);
  document.getElementById("handle")?.focus();
}

/** Starts sign-in; the outcome arrives as an event because waiting for the browser takes long. */
async function signIn(identity: string): Promise<Account> {
  let finish: (payload: SignInFinished) => void = () => {};
  const finished = new Promise<SignInFinished>((resolve) => (finish = resolve));
  // Registered before starting, so even an instant failure is heard.
  const unlisten = await listen<SignInFinished>("sign-in-finished", (event) => finish(event.payload));
  try {
    await call("sign_in", { identity, fullAccess: false });
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

function showSecrets(account: Account) {
  if (!root) return;
  root.replaceChildren(
    secretsView(account, {
      list: () => call("list_secrets", { did: account.did }),
      signOut: async () => {
        try {
          const outcome = await call("sign_out", { did: account.did });
          showSignIn(
            outcome.revokedAtServer
              ? "Signed out."
              : "Signed out on this machine. Your PDS could not be reached to end the session there; it will expire on its own.",
          );
        } catch (error) {
          showSignIn((error as IpcError).message);
        }
      },
    }),
  );
}

async function start() {
  try {
    const accounts = await call("restore_accounts", {});
    const first = accounts[0];
    if (first) showSecrets(first);
    else showSignIn();
  } catch (error) {
    showSignIn((error as IpcError).message);
  }
}

void start();
