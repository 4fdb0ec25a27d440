import { defineConfig } from "vitest/config";

// Two projects: `unit` (fast, in-process) and `notebooks` (real tslab kernel + headless Chromium).
// `npm test` runs both; `npm run test:unit` runs only the fast one.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/notebooks/**", "test/fixtures/**", "test/hostile/**"],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "notebooks",
          include: ["test/notebooks/**/*.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
