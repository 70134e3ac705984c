import {describe, expect, it} from 'vitest';
import {createHttpClient} from '../../source/core/http.js';
import {callTool, stepUpScopes} from '../../source/core/tool-call.js';
import {closedAfterEach} from '../helpers/cleanup.js';
import {startStrictMcpServer, type StrictMcpServer} from '../helpers/strict-mcp-server.js';

const track = closedAfterEach();
const strictServer = async (options: Parameters<typeof startStrictMcpServer>[0] = {}): Promise<StrictMcpServer> => track(await startStrictMcpServer(options));

const stepUp = {tool: 'send_email', scopes: ['mcp', 'mail:send']};

describe('callTool', () => {
	it('answers the tool result with its content (2026-07-28 server)', async () => {
		const server = await strictServer({tools: ['echo'], stepUp});

		const result = await callTool(server.url, 'wide-token', 'send_email', {to: 'bob@example.com', n: 2}, {http: createHttpClient()});

		expect(result).toEqual({
			ok: true,
			content: [{type: 'text', text: '{"to":"bob@example.com","n":2}'}],
			structuredContent: {received: {to: 'bob@example.com', n: 2}},
		});
		expect(server.requests.flatMap(request => request.rpcMethods)).toContain('tools/call');
		expect(server.requests.every(request => request.authorization === 'Bearer wide-token')).toBe(true);
	});

	it('calls an argument-less tool on a 2025-only server', async () => {
		const server = await strictServer({eras: 'legacy-only', tools: ['echo']});

		const result = await callTool(server.url, 'good-token', 'echo', {}, {http: createHttpClient()});

		expect(result).toEqual({ok: true, content: [{type: 'text', text: 'echo'}]});
		expect(server.requests.flatMap(request => request.rpcMethods)).toEqual(expect.arrayContaining(['initialize', 'tools/call']));
	});

	it('parses the challenged scopes of a 403 insufficient_scope', async () => {
		const server = await strictServer({stepUp});
		const http = createHttpClient();

		const result = await callTool(server.url, 'good-token', 'send_email', {to: 'bob@example.com'}, {http});

		expect(result).toMatchObject({ok: false, status: 403, insufficientScope: {scopes: ['mcp', 'mail:send']}});
		if (result.ok) throw new Error('unreachable');
		expect(result.challenge).toContain('error="insufficient_scope"');
		expect(result.message).toContain('insufficient_scope');
		expect(result.hint).toContain('"mcp mail:send"');
		expect(JSON.stringify(http.exchanges)).not.toContain('good-token');
	});

	it('answers a 403 insufficient_scope from a 2025-only server the same way', async () => {
		const server = await strictServer({eras: 'legacy-only', stepUp});

		const result = await callTool(server.url, 'good-token', 'send_email', {}, {http: createHttpClient()});

		expect(result).toMatchObject({ok: false, status: 403, insufficientScope: {scopes: ['mcp', 'mail:send']}});
	});

	it('reports a rejected token with 401 and no insufficientScope', async () => {
		const server = await strictServer({stepUp});

		const result = await callTool(server.url, 'bad-token', 'send_email', {}, {http: createHttpClient()});

		expect(result).toMatchObject({ok: false, status: 401, challenge: expect.stringContaining('invalid_token')});
		expect(result).not.toHaveProperty('insufficientScope');
	});

	it('reports a 403 insufficient_scope met at connection time, with an empty scope, as no scopes', async () => {
		const server = await strictServer({requiredScope: ''});

		const result = await callTool(server.url, 'narrow-token', 'echo', {}, {http: createHttpClient()});

		expect(result).toMatchObject({ok: false, status: 403, insufficientScope: {scopes: []}});
	});

	it('reports an unknown tool as a failure or a tool error, never ok without isError', async () => {
		const server = await strictServer({tools: ['echo']});

		const result = await callTool(server.url, 'good-token', 'nope', {}, {http: createHttpClient()});

		expect(result.ok === false || result.isError === true).toBe(true);
	});

	it('rejects when aborted', async () => {
		const server = await strictServer();
		const controller = new AbortController();
		controller.abort(new Error('stop'));

		await expect(callTool(server.url, 'good-token', 'echo', {}, {http: createHttpClient(), signal: controller.signal})).rejects.toThrow('stop');
	});
});

describe('stepUpScopes', () => {
	it('keeps the old scopes first and adds the challenged ones once', () => {
		expect(stepUpScopes(['mcp', 'offline_access'], ['mcp', 'mail:send'])).toEqual(['mcp', 'offline_access', 'mail:send']);
	});

	it('is the challenge alone when nothing was asked before, and the old ones when nothing is new', () => {
		expect(stepUpScopes([], ['b', 'a', 'b'])).toEqual(['b', 'a']);
		expect(stepUpScopes(['a', 'b'], ['b'])).toEqual(['a', 'b']);
		expect(stepUpScopes(['a'], [])).toEqual(['a']);
	});

	it('drops empty strings', () => {
		expect(stepUpScopes(['', 'a'], [''])).toEqual(['a']);
	});
});
