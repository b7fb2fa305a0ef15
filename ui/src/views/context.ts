// What the dialogs of the secrets screen need from it: whose secrets, and how to refresh or
// point at a row. The screen implements it; tests can fake it.

import type { Account, Preferences, SecretRow } from "../bindings";
import type { IpcError } from "../api";

export interface ScreenContext {
  account: Account;
  /** Loads the list again; resolves with the fresh rows, rejects with an IpcError. */
  reload(): Promise<SecretRow[]>;
  /** The row of that name from the last load. */
  find(name: string): SecretRow | undefined;
  /** Changes one row locally (e.g. storedLocally after Forget or a successful retry). */
  updateRow(name: string, change: Partial<SecretRow>): void;
  /** Where focus goes when a dialog closes and the element it came from is gone. */
  fallbackFocus(name?: string): HTMLElement | null;
  /** A command failed with permission_missing: offer to re-authorize. */
  permissionMissing(error: IpcError): void;
  preferences(): Preferences;
  preferencesChanged(preferences: Preferences): void;
}

export const DEFAULT_PREFERENCES: Preferences = { clipboardClearSeconds: 30, ageWarningDays: 90 };
