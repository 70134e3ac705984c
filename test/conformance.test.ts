import {describe, expect, it} from 'vitest';
import {runConformance} from './conformance/run.mjs';

// The public MCP conformance suite's client auth scenarios, with our built CLI as the client
// (test/conformance/client.mjs): every check must pass, warnings included.
describe('the MCP conformance suite (auth, backcompat, draft and extensions)', () => {
	it('passes every scenario with no failure and no warning', async () => {
		const result = await runConformance();
		expect(result.problems).toEqual([]);
		// Every scenario of 0.1.16's four client suites reported: none skipped without a word.
		expect(result.scenarios.map(scenario => scenario.name).sort()).toEqual([
			'auth/2025-03-26-oauth-endpoint-fallback',
			'auth/2025-03-26-oauth-metadata-backcompat',
			'auth/basic-cimd',
			'auth/client-credentials-basic',
			'auth/client-credentials-jwt',
			'auth/cross-app-access-complete-flow',
			'auth/metadata-default',
			'auth/metadata-var1',
			'auth/metadata-var2',
			'auth/metadata-var3',
			'auth/offline-access-not-supported',
			'auth/offline-access-scope',
			'auth/pre-registration',
			'auth/resource-mismatch',
			'auth/scope-from-scopes-supported',
			'auth/scope-from-www-authenticate',
			'auth/scope-omitted-when-undefined',
			'auth/scope-retry-limit',
			'auth/scope-step-up',
			'auth/token-endpoint-auth-basic',
			'auth/token-endpoint-auth-none',
			'auth/token-endpoint-auth-post',
		]);
	}, 300_000);
});
