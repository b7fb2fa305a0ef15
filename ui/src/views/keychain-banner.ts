// A line under the sign-in card saying where tokens will be kept, or why they cannot be.
// `shown` is the notice the sign-in card already says (a failed restore is usually the same
// keychain failure): the same sentence is never said twice.

import { call, type IpcError } from "../api";
import { h } from "../dom";

export function keychainBanner(shown?: string): HTMLElement {
  const banner = h("p", { id: "keychain-status", class: "keychain", role: "status" }, "Checking the keychain…");
  call("keychain_status", {})
    .then((status) => {
      banner.textContent = `Tokens are kept in your ${status.store}.`;
      banner.classList.add("ok");
    })
    .catch((error: IpcError) => {
      banner.dataset.code = error.code;
      if (error.message === shown) {
        banner.textContent = "";
        banner.hidden = true;
        return;
      }
      banner.textContent = error.message;
      banner.classList.add("problem");
    });
  return banner;
}
