import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ProviderDescriptor } from "../src/bindings";
import { signInView } from "../src/views/signin";
import { rotateOnly, wisp } from "./ipc";

function mount(
  signIn: (provider: ProviderDescriptor, identity: string) => Promise<void>,
  cancel: () => void = () => {},
  providers: ProviderDescriptor[] = [wisp],
) {
  document.body.replaceChildren(signInView(providers, { signIn, cancel }));
  const input = document.getElementById("handle") as HTMLInputElement;
  const form = document.getElementById("signin-form") as HTMLFormElement;
  const submit = (value: string) => {
    input.value = value;
    form.dispatchEvent(new Event("submit", { cancelable: true }));
  };
  return { input, submit };
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("sign-in screen", () => {
  beforeEach(() => document.body.replaceChildren());

  it("has a labelled handle field and a Sign in button", () => {
    mount(async () => {});
    const label = document.querySelector('label[for="handle"]');
    expect(label?.textContent).toBe("Handle or DID");
    expect(document.getElementById("signin-button")?.textContent).toBe("Sign in");
  });

  it("shows why a handle is refused and does not start sign-in", () => {
    const signIn = vi.fn(async () => {});
    const { input, submit } = mount(signIn);
    submit("alice");
    expect(signIn).not.toHaveBeenCalled();
    expect(document.getElementById("handle-error")?.textContent).toMatch(/domain/);
    expect(input.getAttribute("aria-invalid")).toBe("true");
  });

  it("starts sign-in with the normalised handle", () => {
    const signIn = vi.fn(async () => {});
    mount(signIn).submit(" @Alice.Test ");
    expect(signIn).toHaveBeenCalledWith(wisp, "alice.test");
  });

  it("shows the reason when sign-in fails and re-enables the button", async () => {
    mount(() => Promise.reject(new Error("No account was found for that handle."))).submit(
      "alice.test",
    );
    await flush();
    expect(document.getElementById("signin-status")?.textContent).toBe(
      "No account was found for that handle.",
    );
    expect((document.getElementById("signin-button") as HTMLButtonElement).disabled).toBe(false);
    expect((document.getElementById("signin-cancel") as HTMLButtonElement).hidden).toBe(true);
  });

  it("offers Cancel while waiting for the browser, and Cancel reaches the app", () => {
    const cancel = vi.fn();
    mount(() => new Promise(() => {}), cancel).submit("alice.test");
    const cancelButton = document.getElementById("signin-cancel") as HTMLButtonElement;
    expect(cancelButton.hidden).toBe(false);
    expect((document.getElementById("signin-button") as HTMLButtonElement).disabled).toBe(true);
    expect(document.getElementById("signin-status")?.textContent).toMatch(/browser/);
    cancelButton.click();
    expect(cancel).toHaveBeenCalledOnce();
  });

  it("takes its words from the provider's descriptor", () => {
    const other: ProviderDescriptor = {
      ...wisp,
      id: "other",
      label: "Other Cloud",
      signIn: { kind: "oauth", identityLabel: "Account", identityPlaceholder: "you.example", identityHelp: "Your account there.", waiting: "Approve it in your browser…", offersFullAccess: false },
    };
    mount(() => new Promise(() => {}), () => {}, [other]).submit("you.example");
    expect(document.querySelector('label[for="handle"]')?.textContent).toBe("Account");
    expect(document.getElementById("handle-help")?.textContent).toBe("Your account there.");
    expect(document.getElementById("signin-provider")?.textContent).toBe("Sign in to Other Cloud");
    expect(document.getElementById("signin-status")?.textContent).toBe("Approve it in your browser…");
  });

  it("with several providers, asks which first and follows the choice", () => {
    const signIn = vi.fn(async () => {});
    const { submit } = mount(signIn, () => {}, [wisp, rotateOnly]);
    expect(document.getElementById("provider-choice")?.textContent).toContain("Keyring Cloud");
    expect((document.getElementById("provider-wisp") as HTMLInputElement).checked).toBe(true);
    const keyring = document.getElementById("provider-keyring") as HTMLInputElement;
    keyring.checked = true;
    keyring.dispatchEvent(new Event("change"));
    // Given no way to sign in by API key, the screen says so rather than offering a field.
    expect(document.getElementById("signin-unavailable")?.textContent).toContain("cannot sign in to Keyring Cloud");
    expect((document.getElementById("signin-button") as HTMLButtonElement).disabled).toBe(true);
    submit("alice.test");
    expect(signIn).not.toHaveBeenCalled();
  });

  it("the API-key field is a labelled password field that is never autofilled or spell-checked", () => {
    document.body.replaceChildren(signInView([rotateOnly], { signIn: vi.fn(), signInWithKey: vi.fn(async () => {}), cancel: () => {} }));
    const key = document.getElementById("api-key") as HTMLInputElement;
    expect(key.type).toBe("password");
    expect(key.getAttribute("autocomplete")).toBe("off");
    expect(key.getAttribute("spellcheck")).toBe("false");
    expect(key.hasAttribute("maxlength")).toBe(false);
    expect(document.querySelector('label[for="api-key"]')?.textContent).toBe("API key");
    expect(document.getElementById("signin-unavailable")?.hidden).toBe(true);
    expect((document.getElementById("signin-button") as HTMLButtonElement).disabled).toBe(false);
  });

  it("an empty API key is refused inline without a call", () => {
    const signInWithKey = vi.fn(async () => {});
    document.body.replaceChildren(signInView([rotateOnly], { signIn: vi.fn(), signInWithKey, cancel: () => {} }));
    document.getElementById("signin-form")?.dispatchEvent(new Event("submit", { cancelable: true }));
    expect(signInWithKey).not.toHaveBeenCalled();
    expect(document.getElementById("api-key-error")?.textContent).toBe("Paste your API key.");
    expect(document.getElementById("api-key")?.getAttribute("aria-invalid")).toBe("true");
  });

  it("the OAuth form is unchanged when an API-key provider is also offered", () => {
    const signIn = vi.fn(async () => {});
    const signInWithKey = vi.fn(async () => {});
    document.body.replaceChildren(signInView([wisp, rotateOnly], { signIn, signInWithKey, cancel: () => {} }));
    expect((document.getElementById("handle") as HTMLInputElement).hidden).toBe(false);
    expect(document.getElementById("api-key-field")?.hidden).toBe(true);
    (document.getElementById("handle") as HTMLInputElement).value = "alice.test";
    document.getElementById("signin-form")?.dispatchEvent(new Event("submit", { cancelable: true }));
    expect(signIn).toHaveBeenCalledWith(wisp, "alice.test");
    expect(signInWithKey).not.toHaveBeenCalled();
    expect((document.getElementById("signin-cancel") as HTMLButtonElement).hidden).toBe(false);
  });
});
