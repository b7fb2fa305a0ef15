import { keychainBanner } from "./views/keychain-banner";
import { signInView } from "./views/signin";

const root = document.getElementById("app");

if (root) {
  const signIn = signInView({
    // Honest until the OAuth flow ships: nothing pretends to sign in.
    signIn: () =>
      Promise.reject(new Error("Sign-in is not available in this build yet.")),
  });
  signIn.append(keychainBanner());
  root.replaceChildren(signIn);
  document.getElementById("handle")?.focus();
}
