import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {afterEach, describe, expect, it, onTestFinished} from 'vitest';
import {type DeviceLoginEvent, deviceCodeGrant, deviceLogin, supportsDeviceLogin} from '../../source/core/device.js';
import {createHttpClient} from '../../source/core/http.js';
import {WizardError} from '../../source/core/errors.js';
import {type Answer, type JsonServer, asMetadata, startJsonServer} from '../helpers/json-server.js';

// The device authorization grant (RFC 8628) against a small strict server of our own, whose token
// endpoint answers each poll from a script: what the client sends, and when, is what is asserted.
let server: JsonServer | undefined;
const started: JsonServer[] = [];

afterEach(async () => {
	await Promise.all(started.splice(0).map(async each => each.close()));
	server = undefined;
});

const client = {clientId: 'device-client', authMethod: 'none', source: 'registration'} as const;
const tokens = {access_token: 'device-access-token-0123456789', token_type: 'Bearer', expires_in: 3600, refresh_token: 'device-refresh-token-0123'};
const refused = (error: string): Answer => ({status: 400, body: {error}});

/** A server that hands out one device code (interval in seconds), then answers the polls in turn. */
async function deviceServer(interval: number, polls: readonly Answer[], expiresIn = 600): Promise<{metadata: ReturnType<typeof asMetadata>; pollTimes: number[]}> {
	const pollTimes: number[] = [];
	let next = 0;
	server = await startJsonServer(origin => ({
		'POST /device': {body: {device_code: 'device-code-0123456789', user_code: 'WDJB-MJHT', verification_uri: `${origin}/activate`, verification_uri_complete: `${origin}/activate?user_code=WDJB-MJHT`, expires_in: expiresIn, interval}},
		'POST /token'() {
			pollTimes.push(Date.now());
			return polls[Math.min(next++, polls.length - 1)]!;
		},
	}));
	started.push(server);
	const metadata = asMetadata(server.origin, {token_endpoint: `${server.origin}/token`, device_authorization_endpoint: `${server.origin}/device`, grant_types_supported: ['authorization_code', deviceCodeGrant]});
	return {metadata, pollTimes};
}

describe('deviceLogin', () => {
	it('asks for a code with the scopes and resource, shows it, polls while pending, and returns the tokens', async () => {
		const {metadata} = await deviceServer(0.01, [refused('authorization_pending'), {body: tokens}]);
		const events: DeviceLoginEvent[] = [];
		const shown: string[] = [];
		const result = await deviceLogin({http: createHttpClient(), metadata, client, scopes: ['mcp', 'offline_access'], resource: 'https://mcp.example/mcp', onEvent: event => events.push(event), onCode: code => void shown.push(code.userCode)});

		expect(result).toMatchObject({accessToken: tokens.access_token, refreshToken: tokens.refresh_token});
		expect(shown).toEqual(['WDJB-MJHT']);
		expect(events[0]).toMatchObject({type: 'device-code', code: {userCode: 'WDJB-MJHT', verificationUri: `${server!.origin}/activate`, verificationUriComplete: `${server!.origin}/activate?user_code=WDJB-MJHT`}});
		const [authorization, ...polls] = server!.requests;
		expect(Object.fromEntries(new URLSearchParams(authorization!.body))).toEqual({client_id: 'device-client', scope: 'mcp offline_access', resource: 'https://mcp.example/mcp'});
		expect(polls).toHaveLength(2);
		for (const poll of polls) {
			expect(Object.fromEntries(new URLSearchParams(poll.body))).toEqual({client_id: 'device-client', grant_type: deviceCodeGrant, device_code: 'device-code-0123456789', resource: 'https://mcp.example/mcp'});
		}
	});

	it('waits 5 s longer between polls from a slow_down on (RFC 8628 3.5), and says so; never under a second, whatever the server says', async () => {
		const {metadata, pollTimes} = await deviceServer(0.01, [refused('slow_down'), {body: tokens}]);
		const events: DeviceLoginEvent[] = [];
		const started = Date.now();
		await deviceLogin({http: createHttpClient(), metadata, client, scopes: [], resource: 'https://mcp.example/mcp', onEvent: event => events.push(event)});
		expect(events[0]).toMatchObject({code: {intervalMs: 1000}});
		expect(events.at(-1)).toEqual({type: 'device-slow-down', intervalMs: 6000, why: 'slow_down'});
		expect(pollTimes).toHaveLength(2);
		// Never sooner than asked (the server's clock against ours, to the millisecond).
		expect(pollTimes[0]! - started).toBeGreaterThanOrEqual(999);
		expect(pollTimes[1]! - pollTimes[0]!).toBeGreaterThanOrEqual(5999);
	}, 30_000);

	it('asks again, twice as slowly, when the token endpoint cannot be reached (RFC 8628 3.5)', async () => {
		let polls = 0;
		const flaky = http.createServer((request, response) => {
			if (request.url === '/device') {
				response.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify({device_code: 'device-code-0123456789', user_code: 'WDJB-MJHT', verification_uri: 'https://example.com/activate', expires_in: 600, interval: 1}));
			} else if (polls++ < 2) {
				// Twice: a request that meets a reset on a kept-alive connection is sent once more by the HTTP layer.
				request.socket.destroy();
			} else {
				response.writeHead(200, {'content-type': 'application/json'}).end(JSON.stringify(tokens));
			}
		});
		await new Promise<void>(resolve => flaky.listen(0, '127.0.0.1', resolve));
		onTestFinished(async () => new Promise<void>(resolve => flaky.close(() => resolve())));
		const origin = `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`;
		const metadata = asMetadata(origin, {token_endpoint: `${origin}/token`, device_authorization_endpoint: `${origin}/device`});
		const events: DeviceLoginEvent[] = [];
		const result = await deviceLogin({http: createHttpClient(), metadata, client, scopes: [], resource: 'https://mcp.example/mcp', onEvent: event => events.push(event)});
		expect(result.accessToken).toBe(tokens.access_token);
		expect(events.at(-1)).toEqual({type: 'device-slow-down', intervalMs: 2000, why: 'unreachable'});
		expect(polls).toBe(3);
	}, 30_000);

	it('ends when the code expires, or when --timeout says, though the server still says pending', async () => {
		const {metadata} = await deviceServer(1, [refused('authorization_pending')]);
		const options = {http: createHttpClient(), metadata, client, scopes: [], resource: 'https://mcp.example/mcp'};
		await expect(deviceLogin({...options, timeoutMs: 1500})).rejects.toMatchObject({step: 'authorization', message: 'No approval on the other device within 2s'});
		const expiring = await deviceServer(1, [refused('authorization_pending')], 1);
		await expect(deviceLogin({...options, metadata: expiring.metadata})).rejects.toMatchObject({step: 'authorization', message: 'The code expired before the login on the other device was approved (expired_token)'});
	}, 30_000);

	it.each([
		['access_denied', 'The login on the other device was refused (access_denied)'],
		['expired_token', 'The code expired before the login on the other device was approved (expired_token)'],
	])('ends on %s with what happened and what to do', async (error, message) => {
		const {metadata} = await deviceServer(0.01, [refused(error)]);
		const login = deviceLogin({http: createHttpClient(), metadata, client, scopes: [], resource: 'https://mcp.example/mcp'});
		await expect(login).rejects.toBeInstanceOf(WizardError);
		await expect(login).rejects.toMatchObject({step: 'authorization', message, hint: expect.stringContaining('Log in again')});
	});

	it('stops polling as soon as it is aborted', async () => {
		const {metadata} = await deviceServer(1, [refused('authorization_pending')]);
		const controller = new AbortController();
		const login = deviceLogin({http: createHttpClient(), metadata, client, scopes: [], resource: 'https://mcp.example/mcp', signal: controller.signal, onCode: () => controller.abort(new Error('stopped'))});
		await expect(login).rejects.toThrow('stopped');
		expect(server!.requests.map(request => request.path)).toEqual(['/device']);
	});

	it('is refused, before any request, where the server offers no device login', async () => {
		const {metadata} = await deviceServer(0.01, []);
		const without = {...metadata, device_authorization_endpoint: undefined};
		expect(supportsDeviceLogin(without)).toBe(false);
		expect(supportsDeviceLogin({...metadata, grant_types_supported: ['authorization_code']})).toBe(false);
		expect(supportsDeviceLogin({...metadata, grant_types_supported: undefined})).toBe(true);
		await expect(deviceLogin({http: createHttpClient(), metadata: without, client, scopes: [], resource: 'https://mcp.example/mcp'})).rejects.toMatchObject({message: expect.stringContaining('offers no login on another device')});
		expect(server!.requests).toEqual([]);
	});
});
