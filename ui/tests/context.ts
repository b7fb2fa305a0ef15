import { vi } from "vitest";
import type { AccountView, ProviderDescriptor, SecretRow } from "../src/bindings";
import { DEFAULT_PREFERENCES, type ScreenContext } from "../src/views/context";
import { account as alice, wisp } from "./ipc";

/** A stand-in for the secrets screen, for testing dialogs on their own. */
export function fakeContext(
  initial: SecretRow[] = [],
  fresh?: () => SecretRow[],
  provider: ProviderDescriptor = wisp,
  account: AccountView = alice,
) {
  let rows = initial;
  const context = {
    account,
    provider,
    reload: vi.fn(async () => {
      if (fresh) rows = fresh();
      return rows;
    }),
    find: (id: string) => rows.find((row) => row.id === id),
    findNamed: (name: string) => rows.find((row) => row.name === name),
    updateRow: vi.fn(),
    fallbackFocus: () => null,
    permissionMissing: vi.fn(),
    preferences: () => DEFAULT_PREFERENCES,
    preferencesChanged: vi.fn(),
  } satisfies ScreenContext;
  return context;
}
