import {afterAll, beforeAll, expect, it} from 'vitest';
import {createHttpClient} from '../../source/core/http.js';
import {login} from '../../source/core/login.js';
import type {Sandbox} from '../../source/sandbox/index.js';
import {scriptedBrowser} from '../helpers/run-cli.js';
import {startTestSandbox} from '../helpers/secret-scan.js';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startTestSandbox();
});
afterAll(async () => sandbox.close());

it('logs in as a library call, with no event listener', async () => {
	const result = await login(sandbox.mcpUrl, {http: createHttpClient(), env: {...process.env, BROWSER: scriptedBrowser}, timeoutMs: 20_000});
	expect(result.tokens.accessToken.length).toBeGreaterThan(20);
	expect(result.scopes).toEqual(['https://www.fastmail.com/dev/mcp', 'offline_access']);
});
