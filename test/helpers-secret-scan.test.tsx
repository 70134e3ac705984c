import {Box, Text} from 'ink';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {maskSecret} from '../source/core/redact.js';
import type {Sandbox} from '../source/sandbox/index.js';
import {frameWith, render} from './helpers/ink.js';
import {runCli, scriptedBrowser, temporaryHome} from './helpers/run-cli.js';
import {type CapturedOutput, capturedSoFar, checkOutputs, type Secret, sandboxSecrets, startTestSandbox} from './helpers/secret-scan.js';

// The scan must be able to fail: a known secret fed into an output is reported, by kind and masked.
const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLW9mLXRoZS10b2tlbg';
const accessToken: Secret = {kind: 'access token', value: token};
const output = (text: string, allows?: CapturedOutput['allows']): CapturedOutput => ({name: 'run #1 (mcp-auth-wizard status) stdout', text, ...(allows ? {allows} : {})});

describe('checkOutputs', () => {
	it('reports a secret shown whole, naming its kind and the output, masked', () => {
		const report = checkOutputs([output(`access token: ${token}\n`)], [accessToken]);
		expect(report).toBe(`Secrets shown whole (1):\n  access token ${maskSecret(token)} in run #1 (mcp-auth-wizard status) stdout`);
		expect(report).not.toContain(token);
	});

	it('passes masked values, and values too short to tell', () => {
		expect(checkOutputs([output(`access token: ${maskSecret(token)}, code abc1234`)], [accessToken, {kind: 'authorization code', value: 'abc1234'}])).toBeUndefined();
	});

	it('lets an output show only the kinds it allows (status --show-token)', () => {
		const shown = output(`${token}\nrefresh rt-${token}`, ['access token']);
		expect(checkOutputs([shown], [accessToken])).toBeUndefined();
		expect(checkOutputs([shown], [{kind: 'refresh token', value: `rt-${token}`}])).toContain('refresh token rt-eyJ');
	});

	it('finds a token that Ink wrapped inside a box, in a recorded frame', async () => {
		const {lastFrame, unmount} = await render(<Box width={30} borderStyle="round"><Text>{token}</Text></Box>);
		await frameWith(lastFrame, '╰');
		expect(lastFrame()).not.toContain(token);
		unmount();
		const frames = capturedSoFar().outputs.filter(captured => captured.name.startsWith('render #'));
		expect(frames.length).toBeGreaterThan(0);
		expect(checkOutputs(frames, [accessToken])).toMatch(/^Secrets shown whole \(\d+\):\n {2}access token eyJhbG…\(\d+ chars\) in render #1 frame #1/);
	});
});

describe('what the scan sees of a login', () => {
	let sandbox: Sandbox;
	const home = temporaryHome();

	beforeAll(async () => {
		sandbox = await startTestSandbox({profile: 'preregistered'});
	});

	afterAll(async () => {
		await sandbox.close();
		home.remove();
	});

	it('collects the sandbox\'s secrets, the run\'s output and the saved login trace', async () => {
		const client = sandbox.preregisteredClient!;
		const run = await runCli(['login', sandbox.mcpUrl, '--client-id', client.clientId, '--client-secret', client.clientSecret, '--name', 'pre'], {MCP_AUTH_WIZARD_HOME: home.path, BROWSER: scriptedBrowser});
		expect(run.code, run.stderr).toBe(0);

		const kinds = new Set(sandboxSecrets(sandbox).map(secret => secret.kind));
		expect([...kinds].sort()).toEqual(['access token', 'authorization code', 'client secret', 'code verifier', 'refresh token']);
		// Issued (the operator's client secret, what the token and authorization answers carried) and
		// seen (the verifier, the Basic credentials) alike.
		expect(sandbox.issued.filter(secret => secret.kind === 'client secret')).toEqual([{kind: 'client secret', value: client.clientSecret}]);
		const sent = new URLSearchParams(sandbox.requests.token.at(-1)!.body);
		expect(sandbox.issued).toContainEqual({kind: 'authorization code', value: sent.get('code')});

		const {outputs, secrets} = capturedSoFar();
		expect(outputs.map(captured => captured.name)).toEqual(expect.arrayContaining([
			expect.stringMatching(/^run #\d+ \(mcp-auth-wizard login\) stderr$/),
			`lastLoginTrace of ${sandbox.mcpUrl} in a store`,
		]));
		expect(secrets.map(secret => secret.value)).toEqual(expect.arrayContaining([client.clientSecret, sent.get('code_verifier')]));
		// The CLI printed none of them (the file's own scan says the same at its end).
		expect(checkOutputs(outputs.filter(captured => captured.name.startsWith('run #') || captured.name.startsWith('lastLoginTrace')), secrets)).toBeUndefined();
	});
});
