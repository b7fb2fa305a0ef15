import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ProviderDescriptor, SignInInput } from "../src/bindings";
import { cleanCode } from "../src/views/credentials-fields";
import { signInView } from "../src/views/signin";
import { factsLine } from "../src/views/secret-list";
import { secret } from "./ipc";

/** A provider that signs in at a server the user names (no provider name appears in ui/src). */
const byServer: ProviderDescriptor = {
  id: "server-provider",
  label: "Server Provider",
  signIn: {
    kind: "credentials",
    fields: {
      serverLabel: "Server address",
      defaultServer: "http://127.0.0.1:4100",
      serverHelp: "Your broker's API.",
      tokenLabel: "API token",
    },
  },
  operations: ["list", "rotate"],
  secretId: { label: "Token id", idIsName: false },
  nameRule: null,
  deliverySignature: "standardWebhooks",
  secondFactor: { label: "Authenticator code", help: "The 6-digit code.", digits: 6 },
  stagedRotation: false,
  reportsRotationTime: false,
  words: { listIntro: "", createIntro: "", deleteConsequence: "", forgetConsequence: "", valueNoun: "token", rotateWarning: "", dependentsNoun: null },
};

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const field = (id: string) => document.getElementById(id) as HTMLInputElement;
const submit = () =>
  (document.getElementById("signin-form") as HTMLFormElement).dispatchEvent(new Event("submit", { cancelable: true }));

function mount(signInWithCredentials: (provider: ProviderDescriptor, input: SignInInput) => Promise<void>) {
  document.body.replaceChildren(
    signInView([byServer], { signIn: async () => {}, signInWithCredentials, cancel: () => {} }),
  );
}

describe("sign-in at a server", () => {
  beforeEach(() => document.body.replaceChildren());

  it("offers the server from the settings, email and password, and no code field yet", () => {
    mount(async () => {});
    expect(field("server").value).toBe("http://127.0.0.1:4100");
    expect(field("email").closest(".field")?.hasAttribute("hidden")).toBe(false);
    expect(document.getElementById("signin-code-field")?.hidden).toBe(true);
    expect(document.getElementById("server-token-field")?.hidden).toBe(true);
  });

  it("asks for the code in the same form when the server wants it, then sends it cleaned once", async () => {
    const calls: SignInInput[] = [];
    let first = true;
    mount(async (_provider, input) => {
      calls.push(input);
      if (first) {
        first = false;
        throw Object.assign(new Error("Type the code."), { code: "second_factor_required" });
      }
    });
    field("email").value = "ops@example.com";
    field("password").value = "pw";
    submit();
    await flush();
    expect(calls[0]).toEqual({ kind: "credentials", server: "http://127.0.0.1:4100", email: "ops@example.com", password: "pw", code: null });
    expect(document.getElementById("signin-code-field")?.hidden).toBe(false);
    expect(document.activeElement).toBe(field("signin-code"));
    expect(field("password").value).toBe("pw");
    field("signin-code").value = " 123 456\n";
    submit();
    await flush();
    expect(calls[1]).toMatchObject({ kind: "credentials", code: "123456" });
    expect(field("signin-code").value).toBe("", );
  });

  it("refuses a code of the wrong length without sending", async () => {
    const send = vi.fn(() => Promise.reject(Object.assign(new Error("x"), { code: "second_factor_required" })));
    mount(send);
    field("email").value = "ops@example.com";
    field("password").value = "pw";
    submit();
    await flush();
    field("signin-code").value = "12";
    submit();
    expect(send).toHaveBeenCalledTimes(1);
    expect(document.getElementById("signin-code-error")?.textContent).toMatch(/6-digit/);
  });

  it("takes a pasted token instead of email and password, and lets it go", async () => {
    const send = vi.fn(async () => {});
    mount(send);
    field("use-token").click();
    expect(document.getElementById("email-field")?.hidden).toBe(true);
    field("server-token").value = " slt_abc \n";
    submit();
    await flush();
    expect(send).toHaveBeenCalledWith(byServer, { kind: "serverToken", server: "http://127.0.0.1:4100", token: "slt_abc" });
    expect(field("server-token").value).toBe("");
  });

  it("cleans pasted codes and words a row's facts with their labels", () => {
    expect(cleanCode(" 123-456 ")).toBe("123456");
    const row = secret("Reporting", { id: "7", facts: [{ label: "Status", value: "disabled" }, { label: "Webhooks", value: "off" }] });
    expect(factsLine(row)).toBe("Status: disabled · Webhooks: off");
  });
});
