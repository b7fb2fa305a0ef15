import { describe, expect, it } from "vitest";

// Every UI source as text (Vite's raw import), read at test time: cheap, and it sees what ships.
const sources = import.meta.glob<string>(["../src/**/*.ts", "../src/**/*.css", "../index.html"], {
  query: "?raw",
  import: "default",
  eager: true,
});

describe("the UI names no provider", () => {
  it("has sources to look at", () => {
    expect(Object.keys(sources).length).toBeGreaterThan(10);
  });

  it("no provider's name is written in ui/src: the words come from descriptors", () => {
    const named = Object.entries(sources)
      // Generated from the Rust types: its doc comments give examples, it renders nothing.
      .filter(([path]) => !path.endsWith("/bindings.ts"))
      .filter(([, text]) => /wisp\.place|\bwisp\b|\bslate\b|phala/i.test(text))
      .map(([path]) => path);
    expect(named).toEqual([]);
  });
});
