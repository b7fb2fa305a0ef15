// What the UI knows about providers comes from their descriptors (the `providers` command), never
// from names written here: which operations a screen offers, how a secret is named in sentences,
// and the sentences themselves.

import type { AccountRef, AccountView, Operation, ProviderDescriptor } from "./bindings";
import { quoted } from "./dom";

/** The same account: ids are only unique within one provider. */
export function sameAccount(a: AccountRef, b: AccountRef): boolean {
  return a.provider === b.provider && a.id === b.id;
}

export function descriptorFor(
  descriptors: readonly ProviderDescriptor[],
  account: AccountRef,
): ProviderDescriptor | undefined {
  return descriptors.find((descriptor) => descriptor.id === account.provider);
}

/** The provider offers it and this sign-in was granted it. */
export function allows(provider: ProviderDescriptor, account: AccountView, operation: Operation): boolean {
  return provider.operations.includes(operation) && account.capabilities.includes(operation);
}

/**
 * A secret in a sentence: “deploy-hook”. When the provider's ids are not the names (names may
 * repeat), the id follows so the user knows which one: “deploy-hook” (token id 42).
 */
export function shownSecret(provider: ProviderDescriptor, secret: { id: string; name: string }): string {
  if (provider.secretId.idIsName) return quoted(secret.name);
  const label = provider.secretId.label;
  return `${quoted(secret.name)} (${label.charAt(0).toLowerCase()}${label.slice(1)} ${secret.id})`;
}

/** Fills `{placeholder}`s in a descriptor's sentence; unknown ones are left as written. */
export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in values ? String(values[key]) : whole,
  );
}
