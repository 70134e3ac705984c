import {getEventListeners} from 'node:events';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {WizardError} from '../../source/core/errors.js';
import {createHttpClient, httpDefaults, keptExchanges} from '../../source/core/http.js';
import {newExchanges} from '../../source/core/trace.js';
import {type JsonServer, startJsonServer} from '../helpers/json-server.js';

let server: JsonServer | undefined;
afterEach(async () => {
	await server?.close();
	server = undefined;
});

describe('the HTTP layer', () => {
	it('refuses bodies over the size cap', async () => {
		server = await startJsonServer(() => ({'/big': {body: 'x'.repeat(2 * 1024 * 1024)}}));
		const error = await createHttpClient().request({url: `${server.origin}/big`, step: 'resource-metadata'}).catch((error_: unknown) => error_);
		expect(error).toBeInstanceOf(WizardError);
		expect((error as WizardError).message).toContain('larger than 1024 KiB');
		expect((error as WizardError).step).toBe('resource-metadata');
	});

	it('never retries a POST', async () => {
		server = await startJsonServer(() => ({'POST /register': {status: 503, body: {error: 'temporarily_unavailable'}}}));
		const response = await createHttpClient().request({url: `${server.origin}/register`, method: 'POST', body: '{}'});
		expect(response.status).toBe(503);
		expect(server.requests).toHaveLength(1);
	});

	it('traces every exchange with timings, and secrets masked in headers, bodies and URLs', async () => {
		server = await startJsonServer(() => ({
			'POST /token': {body: {access_token: 'AT-0123456789abcdef', refresh_token: 'RT-0123456789abcdef', token_type: 'Bearer'}},
		}));
		const client = createHttpClient();
		await client.request({
			url: `${server.origin}/token?code=CODE-0123456789`,
			method: 'POST',
			headers: {'content-type': 'application/x-www-form-urlencoded', authorization: 'Basic Y2xpZW50OnNlY3JldC12YWx1ZQ=='},
			body: 'grant_type=authorization_code&code=CODE-0123456789&code_verifier=VERIFIER-0123456789&client_secret=SECRET-0123456789',
		});
		const [exchange] = client.exchanges;
		expect(exchange).toMatchObject({method: 'POST', status: 200});
		expect(exchange!.timings.total).toBeGreaterThan(0);
		expect(exchange!.request.body).toContain('grant_type=authorization_code');
		const text = JSON.stringify(client.exchanges);
		for (const secret of ['AT-0123456789abcdef', 'RT-0123456789abcdef', 'CODE-0123456789', 'VERIFIER-0123456789', 'SECRET-0123456789', 'Y2xpZW50OnNlY3JldC12YWx1ZQ==']) {
			expect(text).not.toContain(secret);
		}
	});

	it('says what to do when nothing listens', async () => {
		const closed = http.createServer();
		await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
		const {port} = closed.address() as AddressInfo;
		await new Promise<void>(resolve => closed.close(() => resolve()));
		const error = (await createHttpClient().request({url: `http://127.0.0.1:${port}/mcp`, step: 'probe'}).catch((error_: unknown) => error_)) as WizardError;
		expect(error.message).toBe(`Connection to 127.0.0.1:${port} refused`);
		expect(error.hint).toContain('server is running');
	});

	it('times out a server that never answers', async () => {
		server = await startJsonServer(() => ({'/slow': () => new Promise(() => undefined)}));
		const error = (await createHttpClient({timeoutMs: 300}).request({url: `${server.origin}/slow`}).catch((error_: unknown) => error_)) as WizardError;
		expect(error).toBeInstanceOf(WizardError);
		expect(error.hint).toContain('--http-timeout');
	});

	it('waits 30 s for an answer when no timeout is given, as the CLI and the wizard create it without --http-timeout', async () => {
		let arrived: () => void = () => undefined;
		const asked = new Promise<void>(resolve => {
			arrived = resolve;
		});
		server = await startJsonServer(() => ({
			'/slow': async () => {
				arrived();
				return new Promise(() => undefined);
			},
		}));
		vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout']});
		try {
			const outcome = createHttpClient({timeoutMs: undefined, connectTimeoutMs: undefined, maxBytes: undefined})
				.request({url: `${server.origin}/slow`})
				.then(
					() => 'answered',
					(error: unknown) => error,
				);
			await asked;
			await vi.advanceTimersByTimeAsync(httpDefaults.timeoutMs - 1);
			expect(await Promise.race([outcome, Promise.resolve('still waiting')])).toBe('still waiting');
			// got ends the request from a 0 ms timer of its own, set when the 30 s one fires.
			await vi.advanceTimersByTimeAsync(10);
			const error = (await outcome) as WizardError;
			expect(error).toBeInstanceOf(WizardError);
			expect(error.message).toContain('did not answer within 30 s');
		} finally {
			vi.useRealTimers();
		}
	});

	it('caps bodies at 1 MiB when no cap is given', async () => {
		server = await startJsonServer(() => ({'/big': {body: 'x'.repeat(1024 * 1024 + 1)}, '/fits': {body: 'x'.repeat(1024 * 1024)}}));
		const client = createHttpClient({maxBytes: undefined});
		expect((await client.request({url: `${server.origin}/fits`})).status).toBe(200);
		await expect(client.request({url: `${server.origin}/big`})).rejects.toThrow('larger than 1024 KiB');
	});

	it('sends a request once more on a new connection when the kept-alive one was closed by the server as it was reused, and only then', async () => {
		// The race of two keep-alive timeouts: the second request on a connection finds it closed.
		const seen: string[] = [];
		const served = new Set<unknown>();
		const resetting = http.createServer((request, response) => {
			seen.push(`${request.method} ${request.url}`);
			if (served.has(request.socket) || request.url === '/reset-new') {
				request.socket.destroy();
				return;
			}

			served.add(request.socket);
			response.writeHead(200, {'content-type': 'application/json'});
			response.end('{}');
		});
		await new Promise<void>(resolve => resetting.listen(0, '127.0.0.1', resolve));
		const origin = `http://127.0.0.1:${(resetting.address() as AddressInfo).port}`;
		try {
			const client = createHttpClient();
			expect((await client.request({url: `${origin}/first`})).status).toBe(200);
			const token = await client.request({url: `${origin}/token`, method: 'POST', body: 'grant_type=x'});
			expect(token.status).toBe(200);
			expect(seen).toEqual(['GET /first', 'POST /token', 'POST /token']);
			expect(client.exchanges.map(exchange => exchange.error ?? exchange.status)).toEqual([200, 'the server had closed the kept-alive connection; sent again on a new one', 200]);

			// A connection closed on a request that had a connection of its own: the failure stands.
			const error = await createHttpClient({}).request({url: `${origin}/reset-new`, method: 'POST', body: 'x'}).catch((error_: unknown) => error_);
			expect(error).toBeInstanceOf(WizardError);
			expect(seen.filter(line => line === 'POST /reset-new')).toHaveLength(1);
		} finally {
			resetting.closeAllConnections();
			await new Promise<void>(resolve => resetting.close(() => resolve()));
		}
	});

	it('serves oauth4webapi and the MCP client through fetch', async () => {
		server = await startJsonServer(() => ({'POST /echo': ({body, headers}) => ({status: 201, body: {body, auth: headers.authorization}})}));
		const client = createHttpClient();
		const response = await client.fetch(`${server.origin}/echo`, {method: 'POST', body: new URLSearchParams({a: '1'}), headers: {authorization: 'Bearer t'}});
		expect(response.status).toBe(201);
		expect(await response.json()).toEqual({body: 'a=1', auth: 'Bearer t'});
		expect(client.exchanges).toHaveLength(1);
	});

	it('streams MCP messages: no size cap, each part as it comes, the request traced with its token masked', async () => {
		let release: () => void = () => undefined;
		const streaming = http.createServer((request, response) => {
			if (request.url === '/big') {
				response.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({result: 'x'.repeat(10 * 1024 * 1024)}));
				return;
			}

			// The first event, then nothing until the test has read it: a buffered fetch would never answer.
			response.writeHead(200, {'content-type': 'text/event-stream'});
			response.write('data: first\n\n');
			release = () => response.end('data: last\n\n');
		});
		await new Promise<void>(resolve => streaming.listen(0, '127.0.0.1', resolve));
		const origin = `http://127.0.0.1:${(streaming.address() as AddressInfo).port}`;
		try {
			const client = createHttpClient();
			const big = await client.streamingFetch(`${origin}/big`, {method: 'POST', body: '{}', headers: {authorization: 'Bearer secret-access-token-0123456789'}});
			expect((await big.text()).length).toBeGreaterThan(10 * 1024 * 1024);
			expect(client.exchanges[0]).toMatchObject({method: 'POST', status: 200, response: {body: '(streamed, not kept)'}});
			expect(JSON.stringify(client.exchanges[0])).not.toContain('secret-access-token-0123456789');

			const events = await client.streamingFetch(`${origin}/events`);
			const reader = events.body!.getReader();
			expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: first\n\n');
			release();
			expect(new TextDecoder().decode((await reader.read()).value)).toBe('data: last\n\n');
			expect((await reader.read()).done).toBe(true);
		} finally {
			streaming.closeAllConnections();
			await new Promise<void>(resolve => streaming.close(() => resolve()));
		}
	});

	it('leaves no listener on a long-lived signal after its requests (a proxy session makes thousands)', async () => {
		server = await startJsonServer(() => ({'POST /mcp': {body: {jsonrpc: '2.0', id: 1, result: {}}}}));
		const client = createHttpClient();
		const session = new AbortController();
		for (let i = 0; i < 12; i++) {
			await (await client.streamingFetch(`${server.origin}/mcp`, {method: 'POST', body: '{}', signal: session.signal})).json();
			await (await client.fetch(`${server.origin}/mcp`, {method: 'POST', body: '{}', signal: session.signal})).json();
		}

		expect(getEventListeners(session.signal, 'abort')).toEqual([]);
	});

	it('hands each exchange on once to a trace, in the order they end (a slow request started first comes after)', async () => {
		let release: () => void = () => undefined;
		const released = new Promise<void>(resolve => {
			release = resolve;
		});
		server = await startJsonServer(() => ({
			'POST /slow': async () => {
				await released;
				return {body: {}};
			},
			'POST /fast': {body: {}},
		}));
		const client = createHttpClient();
		const seen: string[] = [];
		const stop = client.subscribe(newExchanges(client, exchange => seen.push(new URL(exchange.url).pathname)));
		const slow = client.streamingFetch(`${server.origin}/slow`, {method: 'POST', body: '{}'});
		// The slow one is at the server (so it started first) before the fast one is sent.
		await vi.waitFor(() => {
			expect(server!.requests.map(request => request.path)).toContain('/slow');
		});
		await (await client.streamingFetch(`${server.origin}/fast`, {method: 'POST', body: '{}'})).text();
		release();
		await (await slow).text();
		await vi.waitFor(() => {
			expect(seen).toEqual(['/fast', '/slow']);
		});
		stop();
	});

	it('keeps the newest exchanges only, their ids counting on (a proxy session would otherwise keep every one)', async () => {
		server = await startJsonServer(() => ({'POST /mcp': {body: {jsonrpc: '2.0', id: 1, result: {}}}}));
		const client = createHttpClient();
		const requests = keptExchanges + 10;
		for (let i = 0; i < requests; i++) await (await client.streamingFetch(`${server.origin}/mcp`, {method: 'POST', body: '{}'})).json();
		expect(client.exchanges).toHaveLength(keptExchanges);
		expect(client.exchanges.at(-1)!.id - client.exchanges[0]!.id).toBe(keptExchanges - 1);
		expect(client.exchanges.at(-1)!.id).toBe(requests);
	}, 60_000);
});
