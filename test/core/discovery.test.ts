import {describe, expect, it} from 'vitest';
import {discover} from '../../source/core/discovery.js';
import {createHttpClient} from '../../source/core/http.js';
import {closedAfterEach} from '../helpers/cleanup.js';
import {asMetadata, type JsonServer, type Route, startJsonServer, unauthorized} from '../helpers/json-server.js';

const track = closedAfterEach();
const serve = async (routes: (origin: string) => Record<string, Route>): Promise<JsonServer> => track(await startJsonServer(routes));

const run = async (url: string, hasClientId = false) => discover(url, {http: createHttpClient(), hasClientId});
const used = (discovery: Awaited<ReturnType<typeof run>>) => discovery.attempts.filter(attempt => attempt.outcome === 'used').map(attempt => new URL(attempt.url).pathname);

describe('protected-resource metadata', () => {
	it('uses the URL of the 401 challenge before the well-known URLs', async () => {
		const server = await serve(origin => ({
			'POST /mcp': unauthorized(`${origin}/meta/custom`),
			'/meta/custom': {body: {resource: `${origin}/mcp`, authorization_servers: [`${origin}/from-header`]}},
			'/.well-known/oauth-protected-resource/mcp': {body: {resource: `${origin}/mcp`, authorization_servers: [`${origin}/from-well-known`]}},
			'/.well-known/oauth-authorization-server/from-header': {body: asMetadata(`${origin}/from-header`)},
		}));
		const discovery = await run(`${server.origin}/mcp`);
		expect(discovery.resourceMetadata?.url).toBe(`${server.origin}/meta/custom`);
		expect(discovery.authorizationServer?.issuer).toBe(`${server.origin}/from-header`);
		expect(discovery.findings.filter(finding => finding.level === 'error')).toEqual([]);
	});

	it('tries the path-aware well-known URL first, then the root one', async () => {
		const server = await serve(origin => ({
			'POST /mcp': unauthorized(),
			'/.well-known/oauth-protected-resource/mcp': {body: {resource: `${origin}/mcp`, authorization_servers: [origin]}},
			'/.well-known/oauth-protected-resource': {body: {resource: origin, authorization_servers: ['http://127.0.0.1:1/wrong']}},
			'/.well-known/oauth-authorization-server': {body: asMetadata(origin)},
		}));
		const discovery = await run(`${server.origin}/mcp`);
		expect(used(discovery)).toEqual(['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-authorization-server']);
		// A sequence, not a priority (RFC 9728 3.1): the root document is never asked when the path-aware one answers.
		expect(server.requests.map(request => request.path)).not.toContain('/.well-known/oauth-protected-resource');
	});

	it('asks the root resource metadata only after the path-aware one has failed', async () => {
		const events: string[] = [];
		const server = await serve(origin => ({
			'POST /mcp': unauthorized(),
			'/.well-known/oauth-protected-resource/mcp': async () => {
				events.push('path-aware asked');
				await new Promise(resolve => setTimeout(resolve, 200));
				events.push('path-aware answered');
				return {status: 404};
			},
			'/.well-known/oauth-protected-resource': () => {
				events.push('root asked');
				return {body: {resource: origin, authorization_servers: [origin]}};
			},
			'/.well-known/oauth-authorization-server': {body: asMetadata(origin)},
		}));
		const discovery = await run(`${server.origin}/mcp`);
		expect(used(discovery)).toEqual(['/.well-known/oauth-protected-resource', '/.well-known/oauth-authorization-server']);
		expect(events).toEqual(['path-aware asked', 'path-aware answered', 'root asked']);
	});

	it('falls back to the root well-known URL, whose resource may be the origin', async () => {
		const server = await serve(origin => ({
			'POST /mcp': unauthorized(),
			'/.well-known/oauth-protected-resource': {body: {resource: origin, authorization_servers: [origin], scopes_supported: ['read']}},
			'/.well-known/oauth-authorization-server': {body: asMetadata(origin)},
		}));
		const discovery = await run(`${server.origin}/mcp`);
		expect(used(discovery)).toEqual(['/.well-known/oauth-protected-resource', '/.well-known/oauth-authorization-server']);
		expect(discovery.resource).toBe(server.origin);
	});

	it('refuses a document for another resource, shows both values and neither asks nor uses the authorization server it names', async () => {
		const authorizationServer = await serve(origin => ({'/.well-known/oauth-authorization-server': {body: asMetadata(origin)}}));
		const server = await serve(origin => ({
			'POST /mcp': unauthorized(`${origin}/.well-known/oauth-protected-resource/mcp`),
			'/.well-known/oauth-protected-resource/mcp': {body: {resource: `${origin}/mcp/`, authorization_servers: [authorizationServer.origin]}},
			'/.well-known/oauth-authorization-server': {body: asMetadata(origin)},
		}));
		const discovery = await run(`${server.origin}/mcp`);
		const error = discovery.findings.find(finding => finding.level === 'error');
		expect(error?.code).toBe('resource-mismatch');
		expect(error?.message).toContain(`"${server.origin}/mcp/"`);
		expect(error?.message).toContain(`"${server.origin}/mcp"`);
		expect(discovery.authorizationServer).toBeUndefined();
		expect(authorizationServer.requests).toEqual([]);
	});

	it('asks the MCP origin for authorization-server metadata with the resource metadata, but uses it only when the resource metadata names that origin', async () => {
		// The resource metadata is held back until the origin's metadata has been asked for: a discovery
		// that waits for the one before asking for the other gets a 503 after 5 s and fails.
		let asked: () => void = () => {};
		const askedEarly = new Promise<boolean>(resolve => {
			asked = () => resolve(true);
			setTimeout(() => resolve(false), 5000).unref();
		});
		const sameOrigin = await serve(origin => ({
			'POST /mcp': unauthorized(`${origin}/.well-known/oauth-protected-resource/mcp`),
			'/.well-known/oauth-protected-resource/mcp': async () => ((await askedEarly) ? {body: {resource: `${origin}/mcp`, authorization_servers: [origin]}} : {status: 503}),
			'/.well-known/oauth-authorization-server': () => {
				asked();
				return {body: asMetadata(origin, {authorization_endpoint: `${origin}/origin-authorize`})};
			},
		}));
		const atOrigin = await run(`${sameOrigin.origin}/mcp`);
		expect(atOrigin.authorizationServer?.metadata.authorization_endpoint).toBe(`${sameOrigin.origin}/origin-authorize`);
		// One request for it: the early one was used, not repeated.
		expect(sameOrigin.requests.filter(request => request.path === '/.well-known/oauth-authorization-server')).toHaveLength(1);

		const other = await serve(origin => ({'/.well-known/oauth-authorization-server': {body: asMetadata(origin)}}));
		const elsewhere = await serve(origin => ({
			'POST /mcp': unauthorized(`${origin}/.well-known/oauth-protected-resource/mcp`),
			'/.well-known/oauth-protected-resource/mcp': {body: {resource: `${origin}/mcp`, authorization_servers: [other.origin]}},
			'/.well-known/oauth-authorization-server': {body: asMetadata(origin, {authorization_endpoint: `${origin}/origin-authorize`})},
		}));
		const atOther = await run(`${elsewhere.origin}/mcp`);
		expect(atOther.authorizationServer?.issuer).toBe(other.origin);
		expect(atOther.authorizationServer?.metadata.authorization_endpoint).toBe(`${other.origin}/authorize`);
	});

	it('sends the probe as an MCP request with MCP-Protocol-Version and no token', async () => {
		const server = await serve(origin => ({
			'POST /mcp': unauthorized(`${origin}/.well-known/oauth-protected-resource/mcp`),
			'/.well-known/oauth-protected-resource/mcp': {body: {resource: `${origin}/mcp`, authorization_servers: [origin]}},
			'/.well-known/oauth-authorization-server': {body: asMetadata(origin)},
		}));
		await run(`${server.origin}/mcp`);
		const probe = server.requests.find(request => request.method === 'POST');
		expect(JSON.parse(probe!.body)).toMatchObject({jsonrpc: '2.0', method: 'initialize'});
		expect(probe!.headers['mcp-protocol-version']).toBeDefined();
		expect(probe!.headers.authorization).toBeUndefined();
	});
});

describe('authorization-server metadata', () => {
	const tenantServer = (available: string[]) =>
		serve(origin => {
			const routes: Record<string, Route> = {
				'POST /mcp': unauthorized(`${origin}/.well-known/oauth-protected-resource/mcp`),
				'/.well-known/oauth-protected-resource/mcp': {body: {resource: `${origin}/mcp`, authorization_servers: [`${origin}/tenant1`]}},
			};
			for (const path of available) routes[path] = {body: asMetadata(`${origin}/tenant1`, {from: path})};
			return routes;
		});

	const oauthInsert = '/.well-known/oauth-authorization-server/tenant1';
	const openidInsert = '/.well-known/openid-configuration/tenant1';
	const openidAppend = '/tenant1/.well-known/openid-configuration';

	it.each([
		[[oauthInsert, openidInsert, openidAppend], oauthInsert],
		[[openidInsert, openidAppend], openidInsert],
		[[openidAppend], openidAppend],
	])('for an issuer with a path, takes the first in priority order of %j', async (available, expected) => {
		const server = await tenantServer(available);
		const discovery = await run(`${server.origin}/mcp`);
		expect(discovery.authorizationServer?.url).toBe(`${server.origin}${expected}`);
		expect(discovery.authorizationServer?.metadata['from']).toBe(expected);
	});

	it('asks every candidate at once instead of waiting for each 404', async () => {
		const arrived: string[] = [];
		let release: () => void = () => undefined;
		const allArrived = new Promise<boolean>(resolve => {
			release = () => resolve(true);
			setTimeout(() => resolve(false), 5000).unref();
		});
		const candidates = [oauthInsert, openidInsert, openidAppend];
		const server = await serve(origin => {
			const routes: Record<string, Route> = {
				'POST /mcp': unauthorized(`${origin}/.well-known/oauth-protected-resource/mcp`),
				'/.well-known/oauth-protected-resource/mcp': {body: {resource: `${origin}/mcp`, authorization_servers: [`${origin}/tenant1`]}},
			};
			for (const path of candidates) {
				routes[path] = async () => {
					arrived.push(path);
					if (arrived.length === candidates.length) release();
					// Each answer waits until all three requests are in; a client asking one by one gets only 503s.
					if (!(await allArrived)) return {status: 503};
					return path === openidAppend ? {body: asMetadata(`${origin}/tenant1`)} : {status: 404};
				};
			}

			return routes;
		});
		const discovery = await run(`${server.origin}/mcp`);
		expect(arrived.sort()).toEqual([...candidates].sort());
		expect(discovery.authorizationServer?.url).toBe(`${server.origin}${openidAppend}`);
	});

	it('for an issuer without a path, tries RFC 8414 before OpenID discovery, and takes OpenID-only servers', async () => {
		const server = await serve(origin => ({
			'POST /mcp': unauthorized(`${origin}/.well-known/oauth-protected-resource/mcp`),
			'/.well-known/oauth-protected-resource/mcp': {body: {resource: `${origin}/mcp`, authorization_servers: [origin]}},
			'/.well-known/openid-configuration': {body: asMetadata(origin)},
		}));
		const discovery = await run(`${server.origin}/mcp`);
		expect(discovery.attempts.filter(attempt => attempt.stage === 'authorization-server-metadata').map(attempt => [new URL(attempt.url).pathname, attempt.outcome])).toEqual([
			['/.well-known/oauth-authorization-server', 'not-found'],
			['/.well-known/openid-configuration', 'used'],
		]);
	});

	it('refuses metadata whose issuer is not the one asked for', async () => {
		const server = await serve(origin => ({
			'POST /mcp': unauthorized(`${origin}/.well-known/oauth-protected-resource/mcp`),
			'/.well-known/oauth-protected-resource/mcp': {body: {resource: `${origin}/mcp`, authorization_servers: [origin]}},
			'/.well-known/oauth-authorization-server': {body: asMetadata('https://evil.example')},
		}));
		const discovery = await run(`${server.origin}/mcp`);
		expect(discovery.authorizationServer).toBeUndefined();
		expect(discovery.findings.find(finding => finding.level === 'error')?.code).toBe('issuer-mismatch');
	});

	it('reports no S256, no way to get a client id, and scopes the server does not list', async () => {
		const server = await serve(origin => ({
			'POST /mcp': unauthorized(`${origin}/.well-known/oauth-protected-resource/mcp`),
			'/.well-known/oauth-protected-resource/mcp': {body: {resource: `${origin}/mcp`, authorization_servers: [origin], scopes_supported: ['mcp', 'extra']}},
			'/.well-known/oauth-authorization-server': {
				body: asMetadata(origin, {code_challenge_methods_supported: ['plain'], registration_endpoint: undefined, scopes_supported: ['mcp'], token_endpoint_auth_methods_supported: ['client_secret_basic']}),
			},
		}));
		const discovery = await run(`${server.origin}/mcp`);
		const codes = discovery.findings.map(finding => `${finding.level}:${finding.code}`);
		expect(codes).toEqual(expect.arrayContaining(['error:no-s256', 'error:no-client-id', 'warning:scope-not-listed']));
		// Without registration, a confidential-only token endpoint is no extra news.
		expect(codes).not.toContain('warning:no-public-clients');
		expect(discovery.findings.every(finding => finding.hint.length > 0)).toBe(true);

		const withClientId = await run(`${server.origin}/mcp`, true);
		expect(withClientId.findings.map(finding => finding.code)).not.toContain('no-client-id');
	});
});

describe('registration for public clients', () => {
	it('warns when the server registers clients but its token endpoint takes no public ones', async () => {
		const server = await serve(origin => ({
			'POST /mcp': unauthorized(`${origin}/.well-known/oauth-protected-resource/mcp`),
			'/.well-known/oauth-protected-resource/mcp': {body: {resource: `${origin}/mcp`, authorization_servers: [origin]}},
			'/.well-known/oauth-authorization-server': {body: asMetadata(origin, {token_endpoint_auth_methods_supported: ['client_secret_basic']})},
		}));
		const discovery = await run(`${server.origin}/mcp`);
		expect(discovery.findings.map(finding => `${finding.level}:${finding.code}`)).toContain('warning:no-public-clients');
	});
});

describe('2025-03-26 servers without resource metadata', () => {
	it('take the origin as the authorization server', async () => {
		const server = await serve(origin => ({
			'POST /api/mcp': {status: 401, body: {}},
			'/.well-known/oauth-authorization-server': {body: asMetadata(origin)},
		}));
		const discovery = await run(`${server.origin}/api/mcp`);
		expect(discovery.authorizationServer?.issuer).toBe(server.origin);
		expect(discovery.findings.map(finding => finding.code)).toEqual(expect.arrayContaining(['legacy-no-resource-metadata', 'no-bearer-challenge']));
	});

	it('use the origin\'s metadata when it names an issuer with a path, and say so (the MCP TypeScript SDK v1\'s auth router)', async () => {
		const server = await serve(origin => ({
			'POST /mcp': {status: 401, body: {}},
			'/.well-known/oauth-authorization-server': {body: asMetadata(`${origin}/oauth`)},
		}));
		const discovery = await run(`${server.origin}/mcp`);
		expect(discovery.authorizationServer?.issuer).toBe(`${server.origin}/oauth`);
		expect(discovery.authorizationServer?.metadata.authorization_endpoint).toBe(`${server.origin}/oauth/authorize`);
		expect(discovery.findings.filter(finding => finding.level === 'error')).toEqual([]);
		const differs = discovery.findings.find(finding => finding.code === 'legacy-issuer-differs');
		expect(differs?.level).toBe('warning');
		expect(differs?.message).toContain(`"${server.origin}/oauth"`);
	});

	it('use the default endpoints when the origin has no metadata either', async () => {
		const server = await serve(() => ({'POST /mcp': {status: 401, body: {}}}));
		const discovery = await run(`${server.origin}/mcp`);
		expect(discovery.authorizationServer?.metadata).toMatchObject({
			authorization_endpoint: `${server.origin}/authorize`,
			token_endpoint: `${server.origin}/token`,
			registration_endpoint: `${server.origin}/register`,
		});
		expect(discovery.findings.filter(finding => finding.level === 'error')).toEqual([]);
	});

	it('take an MCP answer without metadata for one too (the default endpoints)', async () => {
		const server = await serve(() => ({'POST /mcp': {body: {jsonrpc: '2.0', id: 1, result: {protocolVersion: '2025-03-26', capabilities: {}, serverInfo: {name: 's', version: '1'}}}}}));
		const discovery = await run(`${server.origin}/mcp`);
		expect(discovery.findings.map(finding => finding.code)).toContain('legacy-default-endpoints');
		expect(discovery.findings.filter(finding => finding.level === 'error')).toEqual([]);
	});
});

describe('a URL that is not an MCP endpoint', () => {
	it('says so when the probe gets a web page and there is no metadata, with what came back and what to try', async () => {
		const server = await serve(() => ({'POST /': {headers: {'content-type': 'text/html; charset=utf-8'}, body: '<!doctype html><html><head><title>Acme \u001B[31mMail</title></head><body>Hi</body></html>'}}));
		const discovery = await run(`${server.origin}/`);
		expect(discovery.authorizationServer).toBeUndefined();
		expect(discovery.findings).toEqual([
			{
				level: 'error',
				code: 'not-mcp-endpoint',
				message: `${server.origin}/ does not look like an MCP endpoint: it answered the MCP request with HTTP 200 (an HTML page titled "Acme \\x1b[31mMail"), and no OAuth metadata was found there`,
				hint: expect.stringContaining('not its website'),
			},
		]);
	});

	it('says so for a 404 without metadata', async () => {
		const server = await serve(() => ({'POST /other': {status: 200, body: {}}}));
		const discovery = await run(`${server.origin}/mcp/`);
		expect(discovery.findings.map(finding => `${finding.level}:${finding.code}`)).toEqual(['error:not-mcp-endpoint']);
		expect(discovery.findings[0]!.message).toContain('HTTP 404 (application/json)');
	});
});

describe('plain http where OAuth 2.1 forbids it', () => {
	// Hosts under .invalid (RFC 6761) resolve nowhere: a request that should not be made goes nowhere either.
	it('refuses an authorization server on plain http named by the resource metadata, before any request to it', async () => {
		const server = await serve(origin => ({
			'POST /mcp': unauthorized(`${origin}/.well-known/oauth-protected-resource/mcp`),
			'/.well-known/oauth-protected-resource/mcp': {body: {resource: `${origin}/mcp`, authorization_servers: ['http://auth.example.invalid/tenant']}},
		}));
		const discovery = await run(`${server.origin}/mcp`);
		expect(discovery.authorizationServer).toBeUndefined();
		expect(discovery.findings).toEqual([expect.objectContaining({level: 'error', code: 'insecure-authorization-server', message: `The resource metadata at ${server.origin}/.well-known/oauth-protected-resource/mcp names the authorization server http://auth.example.invalid/tenant, which is not https`})]);
		expect(discovery.findings[0]!.hint).toContain('nothing was sent to it');
		expect(discovery.attempts.filter(attempt => attempt.url.includes('example.invalid'))).toEqual([]);
	});

	it('refuses a resource metadata URL on plain http in the 401 challenge, before any request to it', async () => {
		const server = await serve(origin => ({
			'POST /mcp': unauthorized('http://metadata.example.invalid/.well-known/oauth-protected-resource/mcp'),
			'/.well-known/oauth-protected-resource/mcp': {body: {resource: `${origin}/mcp`, authorization_servers: [origin]}},
			'/.well-known/oauth-authorization-server': {body: asMetadata(origin)},
		}));
		const discovery = await run(`${server.origin}/mcp`);
		expect(discovery.authorizationServer).toBeUndefined();
		expect(discovery.findings.map(finding => `${finding.level}:${finding.code}`)).toEqual(['error:insecure-resource-metadata-url']);
		expect(discovery.findings[0]!.message).toBe("The server's challenge names resource metadata at http://metadata.example.invalid/.well-known/oauth-protected-resource/mcp, which is not https");
		expect(discovery.attempts.filter(attempt => attempt.url.includes('example.invalid'))).toEqual([]);
	});

	it('takes plain http on loopback hosts', async () => {
		const authorizationServer = await serve(origin => ({'/.well-known/oauth-authorization-server': {body: asMetadata(origin)}}));
		const server = await serve(origin => ({
			'POST /mcp': unauthorized(`${origin}/.well-known/oauth-protected-resource/mcp`),
			'/.well-known/oauth-protected-resource/mcp': {body: {resource: `${origin}/mcp`, authorization_servers: [authorizationServer.origin]}},
		}));
		const discovery = await run(`${server.origin}/mcp`);
		expect(discovery.authorizationServer?.issuer).toBe(authorizationServer.origin);
	});
});
