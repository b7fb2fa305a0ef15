// What the dialogs of the secrets screen need from it: whose secrets, which provider's (its
// descriptor says what it supports and gives the sentences), and how to refresh or point at a
// row. The screen implements it; tests can fake it.

import type { AccountView, Preferences, ProviderDescriptor, SecretRow } from "../bindings";
import type { IpcError } from "../api";

export interface ScreenContext {
  account: AccountView;
  provider: ProviderDescriptor;
  /** Loads the list again; resolves with the fresh rows, rejects with an IpcError. */
  reload(): Promise<SecretRow[]>;
  /** The row with that id from the last load. */
  find(id: string): SecretRow | undefined;
  /** A row with that name from the last load (names are unique only when ids are names). */
  findNamed(name: string): SecretRow | undefined;
  /** Changes one row locally (e.g. storedLocally after Forget or a successful retry). */
  updateRow(id: string, change: Partial<SecretRow>): void;
  /** Where focus goes when a dialog closes and the element it came from is gone. */
  fallbackFocus(id?: string): HTMLElement | null;
  /** A command failed with permission_missing: offer to re-authorize. */
  permissionMissing(error: IpcError): void;
  preferences(): Preferences;
  preferencesChanged(preferences: Preferences): void;
}

export const DEFAULT_PREFERENCES: Preferences = { clipboardClearSeconds: 30, ageWarningDays: 90 };
