import { defineConfig } from "vitest/config";

// Three projects: `unit` (fast, in-process), `notebooks` (real tslab kernel + headless Chromium) and
// `hub` (JupyterHub with two local accounts, as root). `npm test` runs all three; `npm run test:unit` runs only the fast one.
// Every project first brings dist/ up to date (test/build-dist.ts): children and notebooks run the build.
const globalSetup = ["test/build-dist.ts"];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          globalSetup,
          include: ["test/**/*.test.ts"],
          exclude: ["test/notebooks/**", "test/hub/**", "test/fixtures/**", "test/hostile/**"],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "notebooks",
          globalSetup,
          include: ["test/notebooks/**/*.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: "hub",
          globalSetup,
          include: ["test/hub/**/*.test.ts"],
          testTimeout: 1_800_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
