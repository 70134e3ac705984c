import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		// Most tests wait on child processes and sockets, not the CPU: three files at once on two cores
		// (Vitest's default would be one) halves the run, and keeps the tests honest about load.
		maxWorkers: 3,
		// Files that share a worker share its loaded modules (Ink, the SDK, oidc-provider): loading them
		// anew for each file was over a third of the suite's CPU. Every file cleans up what it changes
		// (timers, environment, servers), and the secret scan is checked and emptied per file.
		isolate: false,
		// Most tests run the built CLI, a child process or two: with two suites at once on two cores, the
		// first ones of a run (every worker starting its sandboxes together) have taken over 30 s.
		testTimeout: 90_000,
		// A file's setup starts a sandbox (keys, oidc-provider) and logs in through a browser: on two loaded
		// cores (two suites at once) that alone has taken over 30 s.
		hookTimeout: 60_000,
		// Every test sets its own MCP_AUTH_WIZARD_HOME; none may touch the user's real store.
		env: {MCP_AUTH_WIZARD_HOME: '/nonexistent-set-per-test', NO_COLOR: '1'},
		// Fails a file whose outputs show a token, code, verifier or client secret whole (see secret-scan.ts).
		setupFiles: ['test/helpers/secret-scan-setup.ts'],
	},
});
