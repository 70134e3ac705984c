import {describe, expect, it} from 'vitest';
import {checkClientMetadataDocument, clientForDocument, clientMetadataUrlProblem, describeDocumentCheck} from '../../source/core/client-metadata-document.js';
import {discover} from '../../source/core/discovery.js';
import {WizardError} from '../../source/core/errors.js';
import {createHttpClient} from '../../source/core/http.js';
import {type LoginEvent, login} from '../../source/core/login.js';
import {closedAfterEach} from '../helpers/cleanup.js';
import {asMetadata, type JsonServer, type Route, startJsonServer, unauthorized} from '../helpers/json-server.js';

const track = closedAfterEach();
const serve = async (routes: (origin: string) => Record<string, Route>): Promise<JsonServer> => track(await startJsonServer(routes));

const path = '/clients/mcp.json';

function goodDocument(url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		client_id: url,
		client_name: 'My MCP client',
		redirect_uris: ['http://127.0.0.1/callback'],
		grant_types: ['authorization_code', 'refresh_token'],
		response_types: ['code'],
		token_endpoint_auth_method: 'none',
		...extra,
	};
}

/** A server with the document at `path`, made by `document(url)`. */
async function documentAt(document: (url: string) => Route): Promise<string> {
	const server = await serve(origin => ({[`GET ${path}`]: document(`${origin}${path}`)}));
	return `${server.origin}${path}`;
}

const check = async (url: string, options: Parameters<typeof checkClientMetadataDocument>[2] = {}) => checkClientMetadataDocument(createHttpClient(), url, options);

describe('checkClientMetadataDocument', () => {
	it('accepts a good document with a port-less loopback redirect URI (any port, RFC 8252 7.3)', async () => {
		const url = await documentAt(url => ({body: goodDocument(url)}));

		const result = await check(url);

		expect(result).toMatchObject({url, fetched: true, errors: [], warnings: [], redirectUri: 'http://127.0.0.1/callback', document: {client_id: url}});
		expect(describeDocumentCheck(result, 'http://127.0.0.1:50123/callback')).toBe(
			`Client ID Metadata Document at ${url}: client_id matches; redirect URIs cover http://127.0.0.1:50123/callback (the document lists http://127.0.0.1/callback: any port)`,
		);
	});

	it('goes through the http layer, so the fetch is in the trace', async () => {
		const url = await documentAt(url => ({body: goodDocument(url)}));
		const http = createHttpClient();

		await checkClientMetadataDocument(http, url);

		expect(http.exchanges).toHaveLength(1);
		expect(http.exchanges[0]).toMatchObject({method: 'GET', url, status: 200, step: 'client'});
	});

	it('picks the port of a fixed loopback redirect URI, or the one asked for', async () => {
		const url = await documentAt(url => ({body: goodDocument(url, {redirect_uris: ['https://app.example.com/cb', 'http://127.0.0.1:47001/callback', 'http://127.0.0.1:47002/callback']})}));

		expect((await check(url)).redirectUri).toBe('http://127.0.0.1:47001/callback');
		expect((await check(url, {callbackPort: 47_002})).redirectUri).toBe('http://127.0.0.1:47002/callback');
		const other = await check(url, {callbackPort: 9000});
		expect(other.redirectUri).toBeUndefined();
		expect(other.errors).toEqual(['redirect_uris allow port 47001, 47002 on 127.0.0.1, not 9000 (--callback-port)']);
	});

	it('prefers a port-less URI without --callback-port, and takes it with any --callback-port', async () => {
		const url = await documentAt(url => ({body: goodDocument(url, {redirect_uris: ['http://127.0.0.1:47001/callback', 'http://127.0.0.1/callback']})}));

		expect((await check(url)).redirectUri).toBe('http://127.0.0.1/callback');
		expect((await check(url, {callbackPort: 9000})).redirectUri).toBe('http://127.0.0.1/callback');
		expect((await check(url, {callbackPort: 47_001})).redirectUri).toBe('http://127.0.0.1:47001/callback');
	});

	it('refuses a client_id that is not the URL exactly', async () => {
		const url = await documentAt(url => ({body: goodDocument(`${url}?v=2`)}));

		const result = await check(url);

		expect(result.fetched).toBe(true);
		expect(result.errors).toEqual([`client_id "${url}?v=2" is not the document's URL ${url} exactly`]);
		expect(describeDocumentCheck(result)).toMatch(/is not usable: client_id/);
	});

	it('refuses redirect URIs without the loopback callback, and says which loopback ones are close', async () => {
		const https = await documentAt(url => ({body: goodDocument(url, {redirect_uris: ['https://app.example.com/oauth/callback']})}));
		expect((await check(https)).errors).toEqual(['redirect_uris have no http://127.0.0.1/callback, where mcp-auth-wizard receives the login callback']);

		const localhost = await documentAt(url => ({body: goodDocument(url, {redirect_uris: ['http://localhost:3000/callback', 'http://127.0.0.1/oauth/cb']})}));
		const result = await check(localhost);
		expect(result.errors).toHaveLength(1);
		expect(result.errors[0]).toContain('http://localhost:3000/callback, http://127.0.0.1/oauth/cb are loopback, but mcp-auth-wizard listens on http://127.0.0.1:PORT/callback');

		const missing = await documentAt(url => ({body: goodDocument(url, {redirect_uris: undefined})}));
		expect((await check(missing)).errors).toEqual(['redirect_uris is missing or not a list of URLs']);
	});

	it('refuses a document that is not JSON, or not an object', async () => {
		const html = await documentAt(() => ({headers: {'content-type': 'text/html'}, body: '<!doctype html><h1>Hello</h1>'}));
		expect(await check(html)).toMatchObject({fetched: true, errors: ['the document is an HTML page, not JSON']});

		const array = await documentAt(() => ({body: [1, 2]}));
		expect((await check(array)).errors).toEqual(['the document is JSON but not an object']);
	});

	it('only warns when the document cannot be fetched from here: the authorization server fetches it', async () => {
		const server = await serve(() => ({}));
		const url = `${server.origin}${path}`;
		await server.close();

		const result = await check(url);

		expect(result).toMatchObject({url, fetched: false, errors: []});
		expect(result.warnings).toHaveLength(1);
		expect(result.warnings[0]).toMatch(/^could not fetch .* from here \(Connection to 127\.0\.0\.1:\d+ refused\); the authorization server fetches it itself/);
		expect(describeDocumentCheck(result)).toBe(`Client ID Metadata Document at ${url}: not checked from here`);
	});

	it('only warns on a 5xx, but refuses other statuses and redirects (which the AS does not follow)', async () => {
		const failing = await documentAt(() => ({status: 503, body: 'down'}));
		expect(await check(failing)).toMatchObject({fetched: false, errors: [], warnings: [expect.stringContaining('HTTP 503')]});

		const missing = await documentAt(() => ({status: 404, body: {error: 'not found'}}));
		expect((await check(missing)).errors).toEqual(['the URL answered HTTP 404; the document must be served with 200 OK (CIMD 4)']);

		const server = await serve(origin => ({[`GET ${path}`]: {status: 302, headers: {location: `${origin}/elsewhere.json`}}, 'GET /elsewhere.json': {body: {}}}));
		const moved = await check(`${server.origin}${path}`);
		expect(moved.errors).toEqual([`the URL redirects (HTTP 302 to ${server.origin}/elsewhere.json); the authorization server does not follow redirects (CIMD 5): use the final URL`]);
		expect(server.requests.map(request => request.path)).toEqual([path]);
	});

	it('refuses a document over the 1 MiB cap', async () => {
		const url = await documentAt(url => ({body: goodDocument(url, {padding: 'x'.repeat(1024 * 1024 + 10)})}));

		const result = await check(url);

		expect(result).toMatchObject({fetched: false, warnings: [], errors: ['the document is larger than 1 MiB: this URL does not serve a client metadata document']});
	});

	it('warns about a missing client_name and token_endpoint_auth_method, a wrong content type, and scopes it does not list', async () => {
		const url = await documentAt(url => ({headers: {'content-type': 'text/plain'}, body: goodDocument(url, {client_name: undefined, token_endpoint_auth_method: undefined, scope: 'mcp'})}));

		const result = await check(url, {scopes: ['mcp', 'offline_access']});

		expect(result.errors).toEqual([]);
		expect(result.warnings).toEqual([
			'served as text/plain, not application/json: some authorization servers refuse that',
			expect.stringMatching(/^client_name is missing/),
			expect.stringMatching(/^token_endpoint_auth_method is missing: RFC 7591 defaults it to client_secret_basic/),
			'the document\'s scope does not list offline_access: the authorization server may refuse to grant it',
		]);
	});

	it('refuses secrets, shared-secret auth methods and grant types without the code flow', async () => {
		const url = await documentAt(url => ({body: goodDocument(url, {client_secret: 's', token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], response_types: ['token']})}));

		const result = await check(url);

		expect(result.errors).toEqual([
			expect.stringMatching(/contains client_secret/),
			expect.stringMatching(/^token_endpoint_auth_method "client_secret_basic" needs a shared secret/),
			'grant_types does not include authorization_code',
			'response_types does not include code',
		]);
	});

	it('refuses a URL that cannot be a client id without fetching it', async () => {
		const http = createHttpClient();
		const result = await checkClientMetadataDocument(http, 'https://app.example.com/');
		expect(result).toMatchObject({fetched: false, errors: [expect.stringMatching(/has no path/)]});
		expect(http.exchanges).toEqual([]);
	});
});

describe('clientForDocument', () => {
	const url = 'https://app.example.com/c.json';
	const checked = (redirectUri: string | undefined, errors: string[] = []) => ({url, fetched: true, warnings: [], errors, ...(redirectUri === undefined ? {} : {redirectUri})});

	it('is a public client whose id is the URL, on the document\'s port, else the one asked for, else any', () => {
		expect(clientForDocument(checked('http://127.0.0.1:47001/callback'), 9000)).toEqual({client: {clientId: url, authMethod: 'none', source: 'client-metadata-document'}, callbackPort: 47_001});
		expect(clientForDocument(checked('http://127.0.0.1/callback'), 9000).callbackPort).toBe(9000);
		expect(clientForDocument(checked('http://127.0.0.1/callback'))).not.toHaveProperty('callbackPort');
		// Not fetched from here: the authorization server decides; any port.
		expect(clientForDocument({url, fetched: false, warnings: ['could not fetch'], errors: []})).not.toHaveProperty('callbackPort');
	});

	it('throws a client error naming the problems', () => {
		let error: unknown;
		try {
			clientForDocument(checked(undefined, ['client_id is missing', 'redirect_uris is missing or not a list of URLs']));
		} catch (error_) {
			error = error_;
		}

		expect(error).toBeInstanceOf(WizardError);
		expect(error).toMatchObject({step: 'client', message: `Client ID Metadata Document at ${url} is not usable: client_id is missing; redirect_uris is missing or not a list of URLs`, hint: expect.stringMatching(/^Fix the document/)});
	});
});

describe('clientMetadataUrlProblem', () => {
	it('takes https with a path, and http on loopback', () => {
		expect(clientMetadataUrlProblem('https://app.example.com/client.json')).toBeUndefined();
		expect(clientMetadataUrlProblem('https://app.example.com:8443/a/b')).toBeUndefined();
		expect(clientMetadataUrlProblem('http://127.0.0.1:8080/client.json')).toBeUndefined();
		expect(clientMetadataUrlProblem('http://localhost/client.json')).toBeUndefined();
	});

	it.each([
		['http://app.example.com/client.json', /not https/],
		['https://app.example.com', /has no path/],
		['https://app.example.com/#x', /fragment/],
		['https://app.example.com/c.json#', /fragment/],
		['https://me:pw@app.example.com/c.json', /user name or password/],
		['https://app.example.com/a/./c.json', /\. or \.\. path segments/],
		['https://app.example.com/a/../c.json', /\. or \.\. path segments/],
		['ftp://app.example.com/c.json', /not https/],
		['app.example.com/c.json', /is not a URL/],
	])('refuses %s', (url, problem) => {
		expect(clientMetadataUrlProblem(url)).toMatch(problem);
	});
});

describe('discovery and login with a Client ID Metadata Document', () => {
	async function authorizationServer(extra: Record<string, unknown>, documentRoute?: (url: string) => Route): Promise<JsonServer> {
		return serve(origin => ({
			'POST /mcp': unauthorized(`${origin}/.well-known/oauth-protected-resource/mcp`),
			'/.well-known/oauth-protected-resource/mcp': {body: {resource: `${origin}/mcp`, authorization_servers: [origin], scopes_supported: ['mcp']}},
			'/.well-known/oauth-authorization-server': {body: asMetadata(origin, {registration_endpoint: undefined, ...extra})},
			...(documentRoute ? {[`GET ${path}`]: documentRoute(`${origin}${path}`)} : {}),
		}));
	}

	it('discovery counts a document URL as a client id only where the server supports them', async () => {
		const supporting = await authorizationServer({client_id_metadata_document_supported: true});
		const url = `${supporting.origin}${path}`;
		const codes = async (options: {clientMetadataUrl?: string}) => (await discover(`${supporting.origin}/mcp`, {http: createHttpClient(), ...options})).findings.map(finding => finding.code);
		expect(await codes({})).toContain('no-client-id');
		expect(await codes({clientMetadataUrl: url})).not.toContain('no-client-id');

		const other = await authorizationServer({});
		const discovery = await discover(`${other.origin}/mcp`, {http: createHttpClient(), clientMetadataUrl: url});
		const finding = discovery.findings.find(item => item.code === 'no-client-id');
		expect(finding?.level).toBe('error');
		expect(finding?.hint).toMatch(/does not advertise Client ID Metadata Documents/);
	});

	it('discovery warns when the document falls back to registration', async () => {
		const server = await authorizationServer({registration_endpoint: 'http://127.0.0.1:1/register'});
		const discovery = await discover(`${server.origin}/mcp`, {http: createHttpClient(), clientMetadataUrl: `${server.origin}${path}`});
		expect(discovery.findings.find(item => item.code === 'client-metadata-document-unused')).toMatchObject({level: 'warning', hint: expect.stringMatching(/uses dynamic-registration instead/)});
	});

	it('login refuses a wrong document before any authorization request, and says why', async () => {
		const server = await authorizationServer({client_id_metadata_document_supported: true}, url => ({body: goodDocument('https://elsewhere.example/c.json', {redirect_uris: ['https://app.example.com/cb']})}));
		const url = `${server.origin}${path}`;
		const events: LoginEvent[] = [];

		const error = await login(`${server.origin}/mcp`, {http: createHttpClient(), clientMetadataUrl: url, noOpen: true, onEvent: event => events.push(event)}).catch((error_: unknown) => error_);

		expect(error).toBeInstanceOf(WizardError);
		expect(error).toMatchObject({step: 'client', message: expect.stringMatching(/^Client ID Metadata Document at .* is not usable: client_id "https:\/\/elsewhere\.example\/c\.json" is not the document's URL .*; redirect_uris have no/)});
		expect(events.map(event => event.type)).toEqual(expect.arrayContaining(['client-way', 'client-metadata-document']));
		expect(events.find(event => event.type === 'client-way')).toMatchObject({choice: {way: 'client-metadata-document'}});
		expect(server.requests.some(request => request.path.startsWith('/authorize'))).toBe(false);
	});

	it('login refuses a URL that cannot be a client id before discovery', async () => {
		const http = createHttpClient();
		const error = await login('http://127.0.0.1:1/mcp', {http, clientMetadataUrl: 'https://app.example.com', noOpen: true}).catch((error_: unknown) => error_);
		expect(error).toMatchObject({step: 'input', message: expect.stringMatching(/has no path/)});
		expect(http.exchanges).toEqual([]);
	});
});
