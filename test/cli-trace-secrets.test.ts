import {loginIn} from './helpers/saved-servers.js';
import {readFileSync} from 'node:fs';
import {afterAll, afterEach, describe, expect, it} from 'vitest';
import {type CliRun, runCli, scriptedBrowser, temporaryHome} from './helpers/run-cli.js';
import {json, oauthChain, startFaultServer} from './reliability/servers.js';

// Secrets in --trace and in the saved login trace are masked by what they are, whatever the server's
// content type or header says: a token response as text/plain, cookies, API keys.
const home = temporaryHome();
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
	await Promise.all(closers.splice(0).map(async close => close()));
});
afterAll(() => home.remove());

const cookieSecret = 'cookie-secret-0123456789abcdef';
const apiKey = 'api-key-secret-0123456789abcdef';
const plainToken = 'text-plain-access-token-0123456789';

async function chain(overrides: Parameters<typeof oauthChain>[1]): Promise<string> {
	const server = await startFaultServer(origin => oauthChain(origin, overrides));
	closers.push(async () => server.close());
	return `${server.origin}/mcp`;
}

const login = async (mcpUrl: string): Promise<CliRun> => runCli(['login', mcpUrl, '--json', '--trace', '--no-verify', '--timeout', '20s'], {MCP_AUTH_WIZARD_HOME: home.path, BROWSER: scriptedBrowser});
const withCookies = json(201, {client_id: 'chain-client', token_endpoint_auth_method: 'none', redirect_uris: []}, {'set-cookie': `sid=${cookieSecret}; Path=/; HttpOnly`, 'x-api-key': apiKey});

/** The trace saved with the login of `mcpUrl`, as text (the store itself keeps the tokens, in a 0600 file). */
function savedTrace(mcpUrl: string): string {
	const file = JSON.parse(readFileSync(`${home.path}/servers.json`, 'utf8')) as {servers: Record<string, {mcpUrl: string; lastLoginTrace?: unknown}>};
	return JSON.stringify(loginIn(file, mcpUrl)?.lastLoginTrace ?? null);
}

describe('--trace and the saved trace', () => {
	it('mask a token response sent as text/plain, cookies and API keys', async () => {
		const mcpUrl = await chain({'/register': withCookies, '/token': (_request, response) => {
			response.writeHead(200, {'content-type': 'text/plain'});
			response.end(JSON.stringify({access_token: plainToken, token_type: 'Bearer', expires_in: 3600}));
		}});
		const run = await login(mcpUrl);
		expect(run.code).toBe(0);
		const trace = savedTrace(mcpUrl);
		expect(run.stderr).toContain('access_token');
		expect(trace).toContain('set-cookie');
		for (const secret of [plainToken, cookieSecret, apiKey]) {
			expect(run.stderr).not.toContain(secret);
			expect(trace).not.toContain(secret);
		}
	});
});
