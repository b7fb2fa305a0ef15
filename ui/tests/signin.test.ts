import { beforeEach, describe, expect, it, vi } from "vitest";
import { signInView } from "../src/views/signin";

function mount(signIn: (identity: string) => Promise<void>, cancel: () => void = () => {}) {
  document.body.replaceChildren(signInView({ signIn, cancel }));
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
    expect(signIn).toHaveBeenCalledWith("alice.test");
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
});
