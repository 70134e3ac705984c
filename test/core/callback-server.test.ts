import http from 'node:http';
import net, {type AddressInfo} from 'node:net';
import {networkInterfaces} from 'node:os';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {startCallbackServer, type CallbackServer} from '../../source/core/callback-server.js';
import {WizardError} from '../../source/core/errors.js';

const servers: CallbackServer[] = [];
const others: http.Server[] = [];

afterEach(async () => {
	await Promise.all(servers.splice(0).map(async server => server.close()));
	await Promise.all(others.splice(0).map(async server => new Promise<void>(resolve => {
		server.close(() => {
			resolve();
		});
	})));
});

async function start(options?: {port?: number}): Promise<CallbackServer> {
	const server = await startCallbackServer(options);
	servers.push(server);
	return server;
}

function portOf(server: CallbackServer): number {
	return Number(new URL(server.redirectUri).port);
}

/** Resolves with the connect error code, or 'connected' when something still listens. */
async function tryConnect(port: number, host = '127.0.0.1'): Promise<string> {
	return new Promise(resolve => {
		const socket = net.connect({host, port});
		socket.once('connect', () => {
			socket.destroy();
			resolve('connected');
		});
		socket.once('error', (error: NodeJS.ErrnoException) => {
			resolve(error.code ?? error.message);
		});
	});
}

async function get(url: string): Promise<{status: number; headers: Headers; body: string}> {
	const response = await fetch(url);
	return {status: response.status, headers: response.headers, body: await response.text()};
}

/**
 * Sends a request and returns once the listener has surely read it (its answer may be held): the request
 * is written first, then a 404 answered on a later connection shows the listener has read what came
 * before it. No sleeping.
 */
async function sendEarly(server: CallbackServer, url: string): Promise<{answer: Promise<{status: number; body: string}>}> {
	let sent!: () => void;
	const written = new Promise<void>(resolve => {
		sent = resolve;
	});
	const answer = new Promise<{status: number; body: string}>((resolve, reject) => {
		const request = http.get(url, response => {
			let body = '';
			response.setEncoding('utf8');
			response.on('data', (chunk: string) => {
				body += chunk;
			});
			response.on('end', () => {
				resolve({status: response.statusCode ?? 0, body});
			});
		});
		request.once('finish', sent);
		request.once('error', reject);
	});
	await written;
	expect((await get(`${new URL(server.redirectUri).origin}/ping`)).status).toBe(404);
	// Wrapped: an async function returning the promise itself would wait for it.
	return {answer};
}

describe('startCallbackServer', () => {
	it('listens on 127.0.0.1 on a random port', async () => {
		const server = await start();

		expect(server.redirectUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
		expect(portOf(server)).toBeGreaterThan(0);
		expect(await tryConnect(portOf(server))).toBe('connected');
	});

	it('cannot be reached on ::1 or on any other address of this machine', async () => {
		const server = await start();
		// Link-local IPv6 addresses need a zone to connect to; every other address of every interface.
		const others = Object.values(networkInterfaces()).flatMap(addresses => addresses ?? []).filter(address => !address.internal && !address.address.startsWith('fe80:')).map(address => address.address);

		const answers = await Promise.all(['::1', ...others].map(async host => [host, await tryConnect(portOf(server), host)]));

		// ECONNREFUSED, or EADDRNOTAVAIL where the machine has no IPv6 loopback: either way, nothing listens there.
		for (const [host, answer] of answers) expect(answer, host).toMatch(/^(ECONNREFUSED|EADDRNOTAVAIL|ENETUNREACH)$/);
		expect(await tryConnect(portOf(server))).toBe('connected');
	});

	it('serves the success page and resolves with the full callback URL', async () => {
		const server = await start();
		const waiting = server.waitForCallback({validate: () => ({ok: true}), serverLabel: 'https://mcp.example.com/mcp'});

		const page = await get(`${server.redirectUri}?code=abc123&state=s1&iss=https%3A%2F%2Fas.example.com`);
		const url = await waiting;

		expect(page.status).toBe(200);
		expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
		expect(page.headers.get('referrer-policy')).toBe('no-referrer');
		expect(page.headers.get('cache-control')).toBe('no-store');
		expect(page.body).toContain('You are logged in to https://mcp.example.com/mcp.');
		expect(page.body).toContain('close this tab and return to the terminal');
		expect(page.body).not.toContain('{{');
		expect(url.href).toBe(`${server.redirectUri}?code=abc123&state=s1&iss=https%3A%2F%2Fas.example.com`);
		expect(url.searchParams.get('code')).toBe('abc123');
	});

	it('serves the failure page when validation fails, escaping the message', async () => {
		const server = await start();
		const seen: string[] = [];
		const waiting = server.waitForCallback({
			validate(url) {
				seen.push(url.searchParams.get('state') ?? '');
				return {ok: false, message: `The state "${url.searchParams.get('state')}" does not match the one sent`};
			},
		});

		const page = await get(`${server.redirectUri}?code=abc&state=${encodeURIComponent('<script>alert(1)</script>')}`);
		const url = await waiting;

		expect(page.status).toBe(400);
		expect(page.body).toContain('Login failed');
		expect(page.body).toContain('The state &#34;&#60;script&#62;alert(1)&#60;/script&#62;&#34; does not match the one sent');
		expect(page.body).not.toContain('<script>alert');
		expect(page.body).toContain('Return to the terminal');
		expect(seen).toEqual(['<script>alert(1)</script>']);
		expect(url.searchParams.get('code')).toBe('abc');
	});

	it('serves the failure page for an error response, escaping error and error_description', async () => {
		const server = await start();
		const waiting = server.waitForCallback({validate: () => ({ok: true})});

		const page = await get(`${server.redirectUri}?error=access_denied&error_description=${encodeURIComponent('<b>The user</b> said "no" & left')}&state=s1`);
		await waiting;

		expect(page.status).toBe(400);
		expect(page.body).toContain('access_denied: &#60;b&#62;The user&#60;/b&#62; said &#34;no&#34; &#38; left');
		expect(page.body).not.toContain('<b>The user');
	});

	it('shows none of the error fields when validation rejects the response (RFC 9207 mix-up)', async () => {
		const server = await start();
		const waiting = server.waitForCallback({validate: () => ({ok: false, message: 'The iss parameter does not match the authorization server'})});

		const page = await get(`${server.redirectUri}?error=invalid_request&error_description=visit-evil.example&iss=https%3A%2F%2Fevil.example`);
		await waiting;

		expect(page.body).toContain('The iss parameter does not match the authorization server');
		expect(page.body).not.toContain('visit-evil.example');
		expect(page.body).not.toContain('invalid_request');
	});

	it('treats a throwing validate as a failure', async () => {
		const server = await start();
		const waiting = server.waitForCallback({
			validate() {
				throw new Error('state mismatch');
			},
		});

		const page = await get(`${server.redirectUri}?code=c&state=s`);
		await waiting;

		expect(page.status).toBe(400);
		expect(page.body).toContain('state mismatch');
	});

	it('answers 404 to other paths and keeps waiting for the callback', async () => {
		const server = await start();
		const waiting = server.waitForCallback();
		const origin = new URL(server.redirectUri).origin;

		const favicon = await get(`${origin}/favicon.ico`);
		const nearMiss = await get(`${origin}/callback/extra?code=x`);
		const page = await get(`${server.redirectUri}?code=real&state=s`);

		expect(favicon.status).toBe(404);
		expect(nearMiss.status).toBe(404);
		expect(page.status).toBe(200);
		expect((await waiting).searchParams.get('code')).toBe('real');
	});

	it('ignores request targets that are not a plain path', async () => {
		const server = await start();
		const waiting = server.waitForCallback();
		const port = portOf(server);

		const answers = await Promise.all(['http://evil.example/callback?code=x', '//evil.example/callback?code=x'].map(async target => new Promise<number>((resolve, reject) => {
			const request = http.request({host: '127.0.0.1', port, path: target}, response => {
				response.resume();
				resolve(response.statusCode ?? 0);
			});
			request.once('error', reject);
			request.end();
		})));
		await get(`${server.redirectUri}?code=real`);

		expect(answers).toEqual([400, 404]);
		expect((await waiting).href).toBe(`${server.redirectUri}?code=real`);
	});

	it('accepts only the first callback and closes afterwards', async () => {
		const server = await start();
		const waiting = server.waitForCallback();

		await get(`${server.redirectUri}?code=first&state=s`);
		const url = await waiting;

		expect(url.searchParams.get('code')).toBe('first');
		expect(await tryConnect(portOf(server))).toBe('ECONNREFUSED');
		await expect(get(`${server.redirectUri}?code=second&state=s`)).rejects.toThrow();
	});

	it('refuses a second callback that arrives before the first one is taken', async () => {
		const server = await start();
		const first = await sendEarly(server, `${server.redirectUri}?code=first&state=s`);
		const second = await sendEarly(server, `${server.redirectUri}?code=second&state=s`);

		expect(await second.answer).toMatchObject({status: 409, body: expect.stringContaining('already received')});
		const url = await server.waitForCallback();
		expect(url.searchParams.get('code')).toBe('first');
		expect((await first.answer).status).toBe(200);
	});

	it('refuses a stray callback (another login\'s state) with a page that says why, tells the caller, and goes on waiting', async () => {
		const server = await start();
		const strays: string[] = [];
		const waiting = server.waitForCallback({
			validate: url => (url.searchParams.get('state') === 'expected' ? {ok: true} : {ok: false, message: 'The callback carries a different state', stray: true}),
			onStray: message => strays.push(message),
		});

		const stray = await get(`${server.redirectUri}?code=old&state=old-tab`);
		expect(stray.status).toBe(400);
		expect(stray.body).toContain('The callback carries a different state. This page is not the answer to the login that is waiting (an old tab?); that login goes on waiting in the terminal.');
		expect(strays).toEqual(['The callback carries a different state']);

		const real = await get(`${server.redirectUri}?code=real&state=expected`);
		expect(real.status).toBe(200);
		expect((await waiting).searchParams.get('code')).toBe('real');
	});

	it('refuses a held stray callback too, and takes the real one after it', async () => {
		const server = await start();
		const early = await sendEarly(server, `${server.redirectUri}?code=old&state=old-tab`);
		const waiting = server.waitForCallback({validate: url => (url.searchParams.get('state') === 'expected' ? {ok: true} : {ok: false, message: 'not this login', stray: true})});
		expect((await early.answer).status).toBe(400);
		expect((await get(`${server.redirectUri}?code=real&state=expected`)).status).toBe(200);
		expect((await waiting).searchParams.get('code')).toBe('real');
	});

	it('says on timeout how many stray callbacks it refused', async () => {
		const server = await start();
		const waiting = server.waitForCallback({timeoutMs: 3000, validate: () => ({ok: false, message: 'The callback carries no state', stray: true})});
		expect((await get(`${server.redirectUri}?code=x`)).status).toBe(400);
		await expect(waiting).rejects.toMatchObject({step: 'callback', message: expect.stringContaining('(one request to it was refused as not this login\'s: The callback carries no state)')});
	});

	it('ends the wait on a callback of this login that fails the check (an iss mismatch), and closes: the login fails, no later callback is taken', async () => {
		// The code in it is single-use, and the caller reports the failure (a mix-up must stop the login, RFC 9207).
		const server = await start();
		const port = portOf(server);
		const waiting = server.waitForCallback({validate: url => (url.searchParams.get('iss') === 'expected' ? {ok: true} : {ok: false, message: 'The iss does not match'})});

		const page = await get(`${server.redirectUri}?code=mixed-up&state=s&iss=other`);
		const url = await waiting;

		expect(page.status).toBe(400);
		expect(url.searchParams.get('iss')).toBe('other');
		expect(await tryConnect(port)).toBe('ECONNREFUSED');
		await expect(get(`${server.redirectUri}?code=real&state=s&iss=expected`)).rejects.toThrow();
	});

	it('holds a callback that arrives before anyone waits for it', async () => {
		const server = await start();
		const early = await sendEarly(server, `${server.redirectUri}?code=early&state=s`);

		const url = await server.waitForCallback({serverLabel: 'Demo'});
		const page = await early.answer;

		expect(url.searchParams.get('code')).toBe('early');
		expect(page.status).toBe(200);
		expect(page.body).toContain('You are logged in to Demo.');
	});

	it('answers a held callback when closed without waiting', async () => {
		const server = await start();
		const port = portOf(server);
		const early = await sendEarly(server, `${server.redirectUri}?code=early&state=s`);

		await server.close();
		const page = await early.answer;

		expect(page.status).toBe(503);
		expect(page.body).toContain('stopped waiting');
		expect(await tryConnect(port)).toBe('ECONNREFUSED');
	});

	it('rejects on timeout and closes the port', async () => {
		const server = await start();
		const port = portOf(server);

		const error = await server.waitForCallback({timeoutMs: 20}).catch((error_: unknown) => error_);

		expect(error).toBeInstanceOf(WizardError);
		expect(error).toMatchObject({step: 'callback', message: expect.stringContaining('No login callback from the browser within')});
		expect(await tryConnect(port)).toBe('ECONNREFUSED');
	});

	it('waits 5 minutes for the browser when no timeout is given', async () => {
		const server = await start();
		vi.useFakeTimers({toFake: ['setTimeout', 'clearTimeout', 'Date']});
		try {
			const outcome = server.waitForCallback().then(() => 'called back', (error: unknown) => error);
			await vi.advanceTimersByTimeAsync(5 * 60_000 - 1);
			expect(await Promise.race([outcome, Promise.resolve('still waiting')])).toBe('still waiting');
			await vi.advanceTimersByTimeAsync(1);
			expect(await outcome).toMatchObject({step: 'callback', message: 'No login callback from the browser within 5 minutes'});
		} finally {
			vi.useRealTimers();
		}
	});

	it('rejects when aborted and closes the port', async () => {
		const server = await start();
		const port = portOf(server);
		const controller = new AbortController();
		const waiting = server.waitForCallback({signal: controller.signal});

		controller.abort();

		await expect(waiting).rejects.toMatchObject({name: 'WizardError', step: 'callback', message: 'Stopped waiting for the browser'});
		expect(await tryConnect(port)).toBe('ECONNREFUSED');
	});

	it('rejects at once for an already aborted signal', async () => {
		const server = await start();

		await expect(server.waitForCallback({signal: AbortSignal.abort()})).rejects.toBeInstanceOf(WizardError);
		expect(await tryConnect(portOf(server))).toBe('ECONNREFUSED');
	});

	it('refuses a second waitForCallback', async () => {
		const server = await start();
		const controller = new AbortController();
		const first = server.waitForCallback({signal: controller.signal});

		await expect(server.waitForCallback()).rejects.toThrow('only be called once');
		controller.abort();
		await expect(first).rejects.toBeInstanceOf(WizardError);
	});

	it('close() frees the port', async () => {
		const server = await start();
		const port = portOf(server);

		await server.close();
		await server.close();

		expect(await tryConnect(port)).toBe('ECONNREFUSED');
	});

	it('reports a port in use', async () => {
		const blocker = http.createServer();
		others.push(blocker);
		await new Promise<void>(resolve => {
			blocker.listen(0, '127.0.0.1', resolve);
		});
		const {port} = blocker.address() as AddressInfo;

		const error = await startCallbackServer({port}).catch((error_: unknown) => error_);

		expect(error).toBeInstanceOf(WizardError);
		expect(error).toMatchObject({step: 'callback', message: `Port ${port} on 127.0.0.1 is in use`, hint: expect.stringContaining('--callback-port')});
	});

	it('listens on a chosen port', async () => {
		const probe = await start();
		const port = portOf(probe);
		await probe.close();

		const server = await start({port});

		expect(server.redirectUri).toBe(`http://127.0.0.1:${port}/callback`);
	});
});
