// A line under the sign-in card saying where tokens will be kept, or why they cannot be.

import { call, type IpcError } from "../api";
import { h } from "../dom";

export function keychainBanner(): HTMLElement {
  const banner = h("p", { id: "keychain-status", class: "keychain", role: "status" }, "Checking the keychain…");
  call("keychain_status", {})
    .then((status) => {
      banner.textContent = `Tokens are kept in your ${status.store}.`;
      banner.classList.add("ok");
    })
    .catch((error: IpcError) => {
      banner.textContent = error.message;
      banner.dataset.code = error.code;
      banner.classList.add("problem");
    });
  return banner;
}
