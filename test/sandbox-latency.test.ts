import {afterAll, beforeAll, describe, expect, it, vi} from 'vitest';
import type {Sandbox} from '../source/sandbox/index.js';
import {startTestSandbox} from './helpers/secret-scan.js';
import {waitLimit} from './helpers/wait.js';

// The sandbox's latencyMs stands for a server one round trip away (the benchmarks count
// requests made one after another with it). Lower bounds only hold for sure; the one upper bound has
// a margin of a whole delay.
const latencyMs = 500;
// libuv's clock counts whole milliseconds, so a timer may fire up to 1 ms before performance.now() says.
const clockSlopMs = 1;

let sandbox: Sandbox;

beforeAll(async () => {
	sandbox = await startTestSandbox({latencyMs});
});

afterAll(async () => {
	await sandbox.close();
});

async function timed(url: string, init?: RequestInit): Promise<{status: number; ms: number; body: string}> {
	const started = performance.now();
	const response = await fetch(url, init);
	const body = await response.text();
	return {status: response.status, ms: performance.now() - started, body};
}

describe('the sandbox with latencyMs', () => {
	it('answers every request no sooner than the delay', async () => {
		const metadata = await timed(sandbox.resourceMetadataUrl!);
		expect(metadata.status).toBe(200);
		expect(metadata.ms).toBeGreaterThanOrEqual(latencyMs - clockSlopMs);

		const probe = await timed(sandbox.mcpUrl, {method: 'POST', headers: {'content-type': 'application/json', accept: 'application/json, text/event-stream'}, body: '{}'});
		expect(probe.status).toBe(401);
		expect(probe.ms).toBeGreaterThanOrEqual(latencyMs - clockSlopMs);
	});

	it('delays requests side by side, not one after another', async () => {
		const started = performance.now();
		const answers = await Promise.all([sandbox.resourceMetadataUrl!, sandbox.authorizationServerMetadataUrl!, `${sandbox.issuer}/.well-known/openid-configuration`].map(async url => timed(url)));
		expect(answers.map(answer => answer.status)).toEqual([200, 200, 404]);
		for (const answer of answers) expect(answer.ms).toBeGreaterThanOrEqual(latencyMs - clockSlopMs);
		// Queued, the last would take three delays.
		expect(performance.now() - started).toBeLessThan(2 * latencyMs);
	});

	it('still records a POST body that arrived while the request waited', async () => {
		const body = JSON.stringify({client_name: 'latency test', redirect_uris: ['http://127.0.0.1:9/callback'], token_endpoint_auth_method: 'none', scope: sandbox.mcpScope});
		const registration = await timed(sandbox.endpoints.registration!, {method: 'POST', headers: {'content-type': 'application/json'}, body});
		expect(registration.status).toBe(201);
		expect(sandbox.requests.registration.at(-1)?.body).toBe(body);
	});

	it('closes at once with a request still waiting, whose connection is then closed unanswered', async () => {
		const slow = await startTestSandbox({latencyMs: 60_000});
		const pending = fetch(slow.mcpUrl, {method: 'POST', headers: {'content-type': 'application/json'}, body: '{}'});
		// Recorded on arrival, before the wait.
		await vi.waitFor(() => {
			expect(slow.requests.mcp).toHaveLength(1);
		}, waitLimit);
		await slow.close();
		await expect(pending).rejects.toThrow();
	});
});
