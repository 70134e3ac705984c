import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {createHttpClient, type HttpClient} from '../../source/core/http.js';
import {checkMcp} from '../../source/core/mcp-check.js';
import {startStrictMcpServer, type StrictMcpServer} from '../helpers/strict-mcp-server.js';
import {waitLimit} from '../helpers/wait.js';

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
	while (cleanups.length > 0) await cleanups.pop()!();
});

async function strictServer(options: Parameters<typeof startStrictMcpServer>[0] = {}): Promise<StrictMcpServer> {
	const server = await startStrictMcpServer(options);
	cleanups.push(async () => server.close());
	return server;
}

async function plainServer(handler: http.RequestListener): Promise<string> {
	const server = http.createServer(handler);
	await new Promise<void>(resolve => {
		server.listen(0, '127.0.0.1', resolve);
	});
	cleanups.push(async () => new Promise<void>(resolve => {
		server.close(() => {
			resolve();
		});
		server.closeAllConnections();
	}));
	return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function traceText(client: HttpClient): string {
	return JSON.stringify(client.exchanges);
}

describe('checkMcp', () => {
	it('connects with a good token and lists the tools (2026-07-28 server)', async () => {
		const server = await strictServer({name: 'demo-server', version: '4.5.6', tools: ['echo', 'add', 'search']});
		const client = createHttpClient();

		const result = await checkMcp(server.url, 'good-token', {http: client});

		expect(result).toEqual({
			ok: true,
			serverName: 'demo-server',
			serverVersion: '4.5.6',
			protocolVersion: '2026-07-28',
			toolCount: 3,
			toolNames: ['echo', 'add', 'search'],
		});
		expect(server.requests.every(request => request.authorization === 'Bearer good-token')).toBe(true);
		expect(server.requests.flatMap(request => request.rpcMethods)).toEqual(['server/discover', 'tools/list']);
	});

	it('falls back to initialize on a 2025-only server', async () => {
		const server = await strictServer({eras: 'legacy-only', name: 'old-server', version: '0.9.0', tools: ['one']});
		const client = createHttpClient();

		const result = await checkMcp(server.url, 'good-token', {http: client});

		expect(result).toMatchObject({ok: true, serverName: 'old-server', serverVersion: '0.9.0', toolCount: 1, toolNames: ['one']});
		expect(result.ok && result.protocolVersion).toMatch(/^2025-/);
		expect(server.requests.flatMap(request => request.rpcMethods)).toEqual(expect.arrayContaining(['initialize', 'notifications/initialized', 'tools/list']));
	});

	it('masks the token in the trace', async () => {
		const token = 'good-token-with-a-long-secret-value-0123456789';
		const server = await strictServer({goodToken: token});
		const client = createHttpClient();

		const result = await checkMcp(server.url, token, {http: client});

		expect(result.ok).toBe(true);
		expect(client.exchanges.length).toBeGreaterThanOrEqual(2);
		for (const exchange of client.exchanges) {
			expect(exchange.request.headers['authorization']).toMatch(/^Bearer good-t…\(\d+ chars\)$/);
		}

		expect(traceText(client)).not.toContain(token);
	});

	it('reports a rejected token with the 401 status and challenge', async () => {
		const server = await strictServer();
		const client = createHttpClient();

		const result = await checkMcp(server.url, 'bad-token', {http: client});

		expect(result).toMatchObject({ok: false, status: 401});
		if (result.ok) throw new Error('unreachable');
		expect(result.challenge).toContain(`resource_metadata="${server.resourceMetadataUrl}"`);
		expect(result.challenge).toContain('error="invalid_token"');
		expect(result.message).toContain('HTTP 401');
		expect(result.hint).toMatch(/refresh it, or log in again/);
		expect(traceText(client)).not.toContain('bad-token');
	});

	it('reports a missing scope with the 403 status, the challenge and the scope to ask for', async () => {
		const server = await strictServer({requiredScope: 'mail:read'});
		const client = createHttpClient();

		const result = await checkMcp(server.url, 'narrow-token', {http: client});

		expect(result).toMatchObject({ok: false, status: 403});
		if (result.ok) throw new Error('unreachable');
		expect(result.challenge).toContain('error="insufficient_scope"');
		expect(result.challenge).toContain('scope="mail:read"');
		expect(result.message).toContain('insufficient_scope');
		expect(result.hint).toContain('"mail:read"');
		expect(traceText(client)).not.toContain('narrow-token');
	});

	it('reports 401 and 403 from a 2025-only server too', async () => {
		const server = await strictServer({eras: 'legacy-only'});

		const unauthorized = await checkMcp(server.url, 'bad-token', {http: createHttpClient()});
		const forbidden = await checkMcp(server.url, 'narrow-token', {http: createHttpClient()});

		expect(unauthorized).toMatchObject({ok: false, status: 401, challenge: expect.stringContaining('resource_metadata=')});
		expect(forbidden).toMatchObject({ok: false, status: 403, challenge: expect.stringContaining('insufficient_scope')});
	});

	it('closes a GET stream the server holds open', async () => {
		const server = await strictServer({eras: 'legacy-only', holdGetStream: true});
		const client = createHttpClient();

		const result = await checkMcp(server.url, 'good-token', {http: client});

		expect(result.ok).toBe(true);
		expect(server.requests.some(request => request.method === 'GET')).toBe(true);
		// The stream was cut by checkMcp before it returned, and the trace already says so.
		expect(client.exchanges.find(exchange => exchange.method === 'GET')).toMatchObject({error: 'aborted'});
		await vi.waitFor(() => {
			expect(server.openStreams()).toBe(0);
		}, waitLimit);
	});

	it('says when the URL is not an MCP server', async () => {
		const origin = await plainServer((_request, response) => {
			response.writeHead(200, {'content-type': 'text/html'});
			response.end('<!doctype html><title>Welcome</title><h1>Hello</h1>');
		});

		const result = await checkMcp(`${origin}/mcp`, 'good-token', {http: createHttpClient()});

		expect(result).toMatchObject({ok: false, message: expect.stringContaining('did not answer like an MCP server')});
		expect(result.ok || result.status).toBeFalsy();
	});

	it('reports a 404', async () => {
		const origin = await plainServer((_request, response) => {
			response.writeHead(404, {'content-type': 'text/plain'});
			response.end('Not found');
		});

		const result = await checkMcp(`${origin}/nope`, 'good-token', {http: createHttpClient()});

		expect(result).toMatchObject({ok: false, status: 404, hint: expect.stringContaining('check the endpoint URL')});
	});

	it('does not follow a redirect to another origin with the token', async () => {
		const elsewhere = await strictServer();
		const origin = await plainServer((_request, response) => {
			response.writeHead(307, {location: elsewhere.url});
			response.end();
		});

		const result = await checkMcp(`${origin}/mcp`, 'good-token', {http: createHttpClient()});

		expect(result).toMatchObject({ok: false, status: 307, message: expect.stringContaining(`redirects to ${elsewhere.url}`)});
		expect(elsewhere.requests).toEqual([]);
	});

	it('reports a refused connection with the http layer hint', async () => {
		const origin = await plainServer((_request, response) => {
			response.end();
		});
		await cleanups.pop()!();

		const result = await checkMcp(`${origin}/mcp`, 'good-token', {http: createHttpClient()});

		expect(result).toMatchObject({ok: false, message: expect.stringContaining('refused'), hint: expect.stringContaining('Nothing is listening')});
	});

	it('rejects when aborted mid-request and leaves no request open', async () => {
		const held: http.ServerResponse[] = [];
		const origin = await plainServer((_request, response) => {
			held.push(response);
		});
		const controller = new AbortController();
		const client = createHttpClient();

		const checking = checkMcp(`${origin}/mcp`, 'good-token', {http: client, signal: controller.signal});
		await vi.waitFor(() => {
			expect(held).toHaveLength(1);
		}, waitLimit);
		controller.abort(new Error('user pressed Esc'));

		await expect(checking).rejects.toThrow('user pressed Esc');
		expect(client.exchanges).toEqual([expect.objectContaining({method: 'POST', error: 'aborted'})]);
		await vi.waitFor(() => {
			expect(held[0]?.destroyed).toBe(true);
		}, waitLimit);
	});

	it('rejects when aborted', async () => {
		const server = await strictServer();
		const controller = new AbortController();
		controller.abort(new Error('stop'));

		await expect(checkMcp(server.url, 'good-token', {http: createHttpClient(), signal: controller.signal})).rejects.toThrow('stop');
	});
});
