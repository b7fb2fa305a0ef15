// The start-up reminder inside the window: how many secrets are overdue, with Snooze (1 day or
// 1 week, remembered by Rust in reminders.json). Rust decides whether there is anything to say
// (nothing overdue, or snoozed: no banner).

import { call, needWindowEvents } from "../api";
import type { OverdueSummary } from "../bindings";
import { button, h } from "../dom";
import { announce } from "../status";

export interface ReminderBanner extends HTMLElement {
  show(summary: OverdueSummary): void;
}

export function reminderBanner(): ReminderBanner {
  const text = h("span", { id: "reminder-text" });
  const banner = h(
    "div",
    { id: "reminder-banner", class: "notice", role: "status", hidden: true },
    text,
    h(
      "div",
      { class: "notice-actions" },
      button("Snooze 1 day", { id: "reminder-snooze-day" }, () => snooze(1)),
      button("Snooze 1 week", { id: "reminder-snooze-week" }, () => snooze(7)),
    ),
  );
  function snooze(days: number) {
    call("snooze_reminders", { days })
      .then(() => {
        banner.hidden = true;
        announce(days === 1 ? "Reminder snoozed for a day." : "Reminder snoozed for a week.");
      })
      .catch((failure: { message: string }) => announce(failure.message, "problem"));
  }
  return Object.assign(banner, {
    show(summary: OverdueSummary) {
      // Says the start-up check is done (shown or not): what the end-to-end tests wait for.
      banner.dataset.checked = "";
      // The desktop notification says the same and can snooze it: hear that (window-events.ts).
      if (summary.notification !== null) needWindowEvents();
      banner.hidden = summary.notification === null;
      text.textContent = summary.notification ? `${summary.notification} Sort with “Overdue first” to find them.` : "";
    },
  });
}

/** The user snoozed from the desktop notification (Rust saved it): the banner goes too. */
export function reminderSnoozedElsewhere(days: number): void {
  const banner = document.getElementById("reminder-banner");
  if (banner === null || banner.hidden) return;
  banner.hidden = true;
  announce(days === 1 ? "Reminder snoozed for a day." : "Reminder snoozed for a week.");
}

/** Asks Rust once at start; failures stay quiet (the list still marks overdue rows). */
export function checkOverdue(banner: ReminderBanner): void {
  call("overdue_summary", {})
    .then((summary) => banner.show(summary))
    .catch(() => undefined);
}
