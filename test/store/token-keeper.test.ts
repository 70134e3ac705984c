import {afterEach, describe, expect, it} from 'vitest';
import {createHttpClient} from '../../source/core/http.js';
import {openConfStore} from '../../source/store/conf-store.js';
import {type TokenKeeperEvent, keepFresh} from '../../source/store/token-keeper.js';
import {closedAfterEach} from '../helpers/cleanup.js';
import {asMetadata, startJsonServer} from '../helpers/json-server.js';
import {temporaryHome} from '../helpers/run-cli.js';
import {fastmailServer} from '../helpers/saved-servers.js';

const track = closedAfterEach();
const home = temporaryHome();
afterEach(() => home.remove());

/** A token endpoint that rotates its refresh token and answers slowly: a second use of an old one is refused. */
async function rotatingAuthorizationServer() {
	let current = 'refresh-0';
	let issued = 0;
	const server = track(
		await startJsonServer(() => ({
			'POST /token': async request => {
				const presented = new URLSearchParams(request.body).get('refresh_token');
				await new Promise(resolve => setTimeout(resolve, 300));
				if (presented !== current) return {status: 400, body: {error: 'invalid_grant', error_description: 'refresh token already used'}};
				issued += 1;
				current = `refresh-${issued}`;
				return {body: {access_token: `access-${issued}-0123456789`, token_type: 'Bearer', expires_in: 3600, refresh_token: current}};
			},
		})),
	);
	return {server, issued: () => issued};
}

describe('the token keeper', () => {
	it('refreshes once for two callers at once: the second waits its turn and takes the tokens the first saved', async () => {
		const {server, issued} = await rotatingAuthorizationServer();
		const store = openConfStore({home: home.path});
		const expired = fastmailServer({
			authorizationServer: asMetadata(server.origin),
			tokens: {accessToken: 'access-0-0123456789', tokenType: 'bearer', refreshToken: 'refresh-0', obtainedAt: new Date(Date.now() - 7200_000).toISOString(), expiresAt: new Date(Date.now() - 3600_000).toISOString()},
		});
		await store.save(expired);
		const events: TokenKeeperEvent[][] = [[], []];
		const [first, second] = await Promise.all(
			[0, 1].map(async index => keepFresh(openConfStore({home: home.path}), expired, {http: createHttpClient(), onEvent: event => events[index]!.push(event)})),
		);
		expect(issued()).toBe(1);
		expect(first!.server.tokens!.accessToken).toBe('access-1-0123456789');
		expect(second!.server.tokens!.accessToken).toBe('access-1-0123456789');
		expect(store.find(expired.mcpUrl)!.tokens).toMatchObject({accessToken: 'access-1-0123456789', refreshToken: 'refresh-1'});
		expect(events.flat().map(event => event.type).sort()).toEqual(['refreshed', 'refreshed-elsewhere', 'refreshing']);
	});

	it('gets a client acting as itself a new token by the client_credentials grant when its token has expired (no refresh token)', async () => {
		const seen: Array<{form: URLSearchParams; authorization?: string}> = [];
		const server = track(
			await startJsonServer(() => ({
				'POST /token': request => {
					seen.push({form: new URLSearchParams(request.body), authorization: request.headers.authorization});
					return {body: {access_token: `cc-access-${seen.length}-0123456789`, token_type: 'Bearer', expires_in: 3600}};
				},
			})),
		);
		const store = openConfStore({home: home.path});
		const expired = fastmailServer({
			authorizationServer: asMetadata(server.origin, {grant_types_supported: ['client_credentials']}),
			client: {clientId: 'robot', clientSecret: 'robot-secret-0123456789', authMethod: 'client_secret_basic', source: 'pre-registered'},
			registration: undefined,
			grant: 'client_credentials',
			scopes: ['mail'],
			tokens: {accessToken: 'cc-access-0-0123456789', tokenType: 'bearer', obtainedAt: new Date(Date.now() - 7200_000).toISOString(), expiresAt: new Date(Date.now() - 3600_000).toISOString()},
		});
		await store.save(expired);
		const {server: renewed, refreshed} = await keepFresh(store, expired, {http: createHttpClient()});
		expect(refreshed).toBe(true);
		expect(renewed.tokens!.accessToken).toBe('cc-access-1-0123456789');
		expect(Object.fromEntries(seen[0]!.form)).toEqual({grant_type: 'client_credentials', resource: expired.resource, scope: 'mail'});
		expect(seen[0]!.authorization).toBe(`Basic ${Buffer.from('robot:robot-secret-0123456789').toString('base64')}`);
		expect(store.find(expired.name)!.tokens!.accessToken).toBe('cc-access-1-0123456789');
	});

	it('hands back tokens that are good for more than a minute as they are, and says when there is no refresh token', async () => {
		const store = openConfStore({home: home.path});
		const valid = fastmailServer({tokens: {accessToken: 'a-0123456789', tokenType: 'bearer', obtainedAt: new Date().toISOString(), expiresAt: new Date(Date.now() + 600_000).toISOString(), refreshToken: 'r'}});
		expect(await keepFresh(store, valid, {http: createHttpClient()})).toEqual({server: valid, refreshed: false});
		const events: TokenKeeperEvent[] = [];
		// An hour-long token with seconds left: within its last minute (a short one would get a fifth of its life).
		const noRefresh = fastmailServer({tokens: {accessToken: 'a-0123456789', tokenType: 'bearer', obtainedAt: new Date(Date.now() - 3_590_000).toISOString(), expiresAt: new Date(Date.now() + 10_000).toISOString()}});
		expect(await keepFresh(store, noRefresh, {http: createHttpClient(), onEvent: event => events.push(event)})).toEqual({server: noRefresh, refreshed: false});
		expect(events).toEqual([{type: 'cannot-refresh', why: expect.stringMatching(/^The access token of fastmail expires in \d+s$/)}]);
	});

	it('refreshes a token of seconds in the last fifth of its life, not before every use', async () => {
		const store = openConfStore({home: home.path});
		const events: TokenKeeperEvent[] = [];
		// Ten seconds long: refreshed in its last two (a fifth), not a minute early (that is, at once).
		const tenSeconds = (left: number) => fastmailServer({tokens: {accessToken: 'a-0123456789', tokenType: 'bearer', obtainedAt: new Date(Date.now() + left - 10_000).toISOString(), expiresAt: new Date(Date.now() + left).toISOString()}});
		const fresh = tenSeconds(6000);
		expect(await keepFresh(store, fresh, {http: createHttpClient(), onEvent: event => events.push(event)})).toEqual({server: fresh, refreshed: false});
		expect(events).toEqual([]);
		// Due: with no refresh token, said so (its words depend on the second it is read in).
		await keepFresh(store, tenSeconds(1000), {http: createHttpClient(), onEvent: event => events.push(event)});
		expect(events).toEqual([{type: 'cannot-refresh', why: expect.stringMatching(/^The access token of fastmail (expires in|expired)/)}]);
	});
});
