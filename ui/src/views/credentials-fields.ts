// Sign-in at a server the user names: its address (pre-filled from the descriptor's default),
// then an email and a password — and, only after the server asked for it, the authenticator code
// in the same form (pasted codes are cleaned; the code is never kept). Or, when the provider
// allows it, a token pasted instead of email and password. Secrets leave the fields as they go
// (the password stays until sign-in succeeds, so a code can follow without retyping it).

import type { CredentialFields, SecondFactor, SignInInput } from "../bindings";
import { h } from "../dom";

export interface CredentialsForm {
  element: HTMLElement;
  /** Shows the fields for these settings, or hides them all (`null`). */
  apply(fields: CredentialFields | null, secondFactor: SecondFactor | null): void;
  /** What to send, or `null` after showing what is missing. */
  collect(): SignInInput | null;
  /** After a refusal: ask for the code, or empty a wrong one, and focus what needs fixing. */
  failed(code: string | undefined): void;
  setDisabled(disabled: boolean): void;
  /** The field to focus after a failure. */
  focusTarget(): HTMLInputElement;
}

/** Digits only: authenticator apps show "123 456", and pastes bring spaces and line breaks. */
export function cleanCode(text: string): string {
  return text.replace(/[\s-]+/g, "");
}

export function credentialsForm(): CredentialsForm {
  const field = (id: string, type: string, extra: Record<string, string | boolean>) =>
    h("input", {
      id,
      name: id,
      type,
      autocapitalize: "none",
      spellcheck: "false",
      "aria-describedby": `${id}-error`,
      ...extra,
    });
  const server = field("server", "url", { autocomplete: "url", "aria-describedby": "server-help server-error" });
  const email = field("email", "email", { autocomplete: "username" });
  const password = field("password", "password", { autocomplete: "current-password" });
  const code = field("signin-code", "text", {
    autocomplete: "one-time-code",
    inputmode: "numeric",
    "aria-describedby": "signin-code-help signin-code-error",
  });
  const token = field("server-token", "password", { autocomplete: "off", autocorrect: "off" });

  const serverLabel = h("label", { for: "server" });
  const serverHelp = h("p", { id: "server-help", class: "help" });
  const codeLabel = h("label", { for: "signin-code" });
  const codeHelp = h("p", { id: "signin-code-help", class: "help" });
  const tokenLabel = h("label", { for: "server-token" });
  const errors = new Map<HTMLInputElement, HTMLElement>();
  const errorFor = (input: HTMLInputElement) => {
    const error = h("p", { id: `${input.id}-error`, class: "field-error", role: "alert" });
    errors.set(input, error);
    return error;
  };

  const block = (id: string, ...children: Node[]) => h("div", { id, class: "field" }, ...children);
  const serverField = block("server-field", serverLabel, server, serverHelp, errorFor(server));
  const emailField = block("email-field", h("label", { for: "email" }, "Email"), email, errorFor(email));
  const passwordField = block("password-field", h("label", { for: "password" }, "Password"), password, errorFor(password));
  const codeField = block("signin-code-field", codeLabel, code, codeHelp, errorFor(code));
  const tokenField = block("server-token-field", tokenLabel, token, errorFor(token));
  const useToken = h("input", { type: "checkbox", id: "use-token" });
  const useTokenText = h("span", {});
  const useTokenLabel = h("label", { for: "use-token", class: "choice" }, useToken, useTokenText);
  const tokenChoice = h("p", { id: "use-token-choice" }, useTokenLabel);

  const element = h(
    "div",
    { id: "credentials-fields", hidden: true },
    serverField,
    emailField,
    passwordField,
    codeField,
    tokenChoice,
    tokenField,
  );

  let codeAsked = false;
  let digits = 6;
  /** What the last refusal was about. */
  let refused: HTMLInputElement = server;

  function showError(input: HTMLInputElement, message: string) {
    const error = errors.get(input);
    if (error) error.textContent = message;
    input.setAttribute("aria-invalid", message ? "true" : "false");
  }
  for (const input of [server, email, password, code, token]) {
    input.addEventListener("input", () => showError(input, ""));
  }
  code.addEventListener("paste", () => {
    // After the paste lands: keep only what a code is made of.
    setTimeout(() => (code.value = cleanCode(code.value)), 0);
  });

  function layout() {
    const byToken = useToken.checked;
    emailField.hidden = byToken;
    passwordField.hidden = byToken;
    codeField.hidden = byToken || !codeAsked;
    tokenField.hidden = !byToken;
  }
  useToken.addEventListener("change", () => {
    // Whatever was typed for the other way in goes.
    token.value = "";
    code.value = "";
    codeAsked = false;
    layout();
    (useToken.checked ? token : email).focus();
  });

  return {
    element,
    apply(fields, secondFactor) {
      element.hidden = fields === null;
      server.value = fields?.defaultServer ?? "";
      serverLabel.textContent = fields?.serverLabel ?? "";
      serverHelp.textContent = fields?.serverHelp ?? "";
      server.placeholder = "https://";
      codeLabel.textContent = secondFactor?.label ?? "Code";
      codeHelp.textContent = secondFactor?.help ?? "";
      digits = secondFactor?.digits ?? 6;
      tokenChoice.hidden = !fields?.tokenLabel;
      useTokenText.textContent = fields?.tokenLabel ? ` Sign in with an ${fields.tokenLabel} instead` : "";
      tokenLabel.textContent = fields?.tokenLabel ?? "";
      useToken.checked = false;
      for (const input of [email, password, code, token]) input.value = "";
      for (const input of errors.keys()) showError(input, "");
      codeAsked = false;
      layout();
    },
    collect() {
      const address = server.value.trim();
      if (!address) {
        showError(server, `Type the ${serverLabel.textContent?.toLowerCase() ?? "address"}.`);
        server.focus();
        return null;
      }
      if (useToken.checked) {
        const pasted = token.value.trim();
        if (!pasted) {
          showError(token, `Paste your ${tokenLabel.textContent ?? "token"}.`);
          token.focus();
          return null;
        }
        // The token leaves the page as it goes into the call.
        token.value = "";
        return { kind: "serverToken", server: address, token: pasted };
      }
      if (!email.value.trim()) {
        showError(email, "Type your email.");
        email.focus();
        return null;
      }
      if (!password.value) {
        showError(password, "Type your password.");
        password.focus();
        return null;
      }
      let typedCode: string | null = null;
      if (codeAsked) {
        typedCode = cleanCode(code.value);
        if (!new RegExp(`^\\d{${digits}}$`).test(typedCode)) {
          showError(code, `Type the ${digits}-digit code.`);
          code.focus();
          return null;
        }
        // Never kept: a code is good once.
        code.value = "";
      }
      return { kind: "credentials", server: address, email: email.value.trim(), password: password.value, code: typedCode };
    },
    failed(errorCode) {
      if (errorCode === "second_factor_required" || errorCode === "second_factor_invalid") {
        codeAsked = true;
        code.value = "";
        layout();
        refused = code;
      } else if (errorCode === "sign_in_failed") {
        password.value = "";
        refused = password;
      } else if (useToken.checked && errorCode !== "server_address_invalid" && errorCode !== "service_unreachable") {
        refused = token;
      } else {
        refused = server;
      }
    },
    setDisabled(disabled) {
      for (const input of [server, email, password, code, token, useToken]) input.disabled = disabled;
    },
    focusTarget() {
      return refused;
    },
  };
}
