import { defineConfig } from "vitest/config";

export default defineConfig({
  // Relative asset URLs: the app serves the bundle from its own protocol, never a remote host.
  base: "./",
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
  },
  test: {
    environment: "happy-dom",
    include: ["tests/**/*.test.ts"],
  },
});
