// A line along the bottom of the window when Wispkey is pointed away from production (a test
// stack, a self-hosted PLC or service): "Custom network: PLC directory http://127.0.0.1:…".
// Nobody should sign in to, or rotate on, a network they did not mean to, without seeing it.
// In production the command returns nothing and no line is shown.

import { call } from "./api";
import type { CustomSetting } from "./bindings";
import { h } from "./dom";

/** The line's text for these settings; "" when there are none. */
export function customNetworkText(settings: readonly CustomSetting[]): string {
  if (settings.length === 0) return "";
  return `Custom network: ${settings.map((setting) => `${setting.label} ${setting.value}`).join(", ")}`;
}

/** Asks which settings differ from production and shows them, once, below the screens. */
export async function showCustomNetwork(): Promise<void> {
  let settings: CustomSetting[];
  try {
    settings = await call("custom_network", {});
  } catch {
    // Only this line is lost; the app works the same.
    return;
  }
  const text = customNetworkText(settings);
  if (!text || document.getElementById("custom-network")) return;
  const line = h("p", { id: "custom-network", class: "custom-network", role: "note", title: text }, text);
  document.body.append(line);
  document.body.classList.add("has-custom-network");
}
