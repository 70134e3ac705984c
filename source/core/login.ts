import {beginAuthorization, defaultLoginTimeoutMs} from './authorization-session.js';
import {type BrowserLaunch, openBrowser} from './browser.js';
import {startCallbackServer} from './callback-server.js';
import {type ClientCredentials, preRegisteredClient} from './client.js';
import {type Discovery, type DiscoveryEvent, assertUsable, discover} from './discovery.js';
import {WizardError} from './errors.js';
import type {HttpClient} from './http.js';
import {type RegistrationRequest, type RegistrationResult, buildRegistrationRequest, registerClient} from './registration.js';
import {type ScopeChoice, chooseScopes} from './scopes.js';
import {type TokenSet, exchangeCode} from './tokens.js';

export type LoginEvent =
	| {readonly type: 'discovery'; readonly event: DiscoveryEvent}
	| {readonly type: 'discovered'; readonly discovery: Discovery}
	| {readonly type: 'scopes-chosen'; readonly choice: ScopeChoice; readonly scopes: readonly string[]}
	| {readonly type: 'registering'; readonly endpoint: string; readonly request: RegistrationRequest}
	| {readonly type: 'registered'; readonly registration: RegistrationResult}
	| {readonly type: 'authorization-started'; readonly url: string; readonly redirectUri: string; readonly timeoutMs: number}
	| {readonly type: 'browser'; readonly launch: BrowserLaunch}
	| {readonly type: 'browser-failed'; readonly error: WizardError}
	| {readonly type: 'callback-received'}
	| {readonly type: 'tokens-received'};

export type LoginOptions = {
	readonly http: HttpClient;
	/** The scopes to ask for; undefined takes the spec's default selection. */
	readonly scopes?: readonly string[];
	readonly clientId?: string;
	readonly clientSecret?: string;
	/** A client registered before, to log in with again instead of registering (re-authorization). */
	readonly client?: ClientCredentials;
	/** Discovery already done (re-authorization decides on the client with it). */
	readonly discovery?: Discovery;
	readonly clientName?: string;
	/** 0 or undefined: a random free port. */
	readonly callbackPort?: number;
	readonly timeoutMs?: number;
	readonly noOpen?: boolean;
	readonly env?: NodeJS.ProcessEnv;
	readonly signal?: AbortSignal;
	readonly onEvent?: (event: LoginEvent) => void;
};

export type LoginResult = {
	readonly discovery: Discovery & {authorizationServer: NonNullable<Discovery['authorizationServer']>};
	readonly scopeChoice: ScopeChoice;
	readonly scopes: readonly string[];
	readonly registration?: RegistrationResult;
	readonly client: ClientCredentials;
	readonly redirectUri: string;
	readonly tokens: TokenSet;
};

/**
 * A whole login, step by step: discovery, scopes, client (pre-registered or registered), the browser
 * authorization with a loopback callback, and the code exchange. Used by the scriptable `login`; the
 * wizard runs the same steps one screen at a time.
 */
export async function login(mcpUrl: string, options: LoginOptions): Promise<LoginResult> {
	const {http, signal, onEvent} = options;
	const hasClientId = options.clientId !== undefined || options.client !== undefined;
	const discovery = options.discovery ?? (await discover(mcpUrl, {http, signal, hasClientId, onEvent: event => onEvent?.({type: 'discovery', event})}));
	onEvent?.({type: 'discovered', discovery});
	assertUsable(discovery);
	const {metadata} = discovery.authorizationServer;

	const scopeChoice = chooseScopes(discovery);
	const scopes = options.scopes ?? scopeChoice.defaults;
	onEvent?.({type: 'scopes-chosen', choice: scopeChoice, scopes});

	// The listener starts first: the registration names its redirect URI, port included.
	const callbackServer = await startCallbackServer({port: options.callbackPort});
	try {
		const {redirectUri} = callbackServer;
		let registration: RegistrationResult | undefined;
		let client: ClientCredentials;
		if (options.client) {
			client = options.client;
		} else if (options.clientId === undefined) {
			const request = buildRegistrationRequest({metadata, redirectUri, scopes, clientName: options.clientName});
			onEvent?.({type: 'registering', endpoint: metadata.registration_endpoint ?? '', request});
			registration = await registerClient(http, metadata, request, {signal});
			onEvent?.({type: 'registered', registration});
			client = registration.client;
		} else {
			client = preRegisteredClient(metadata, options.clientId, options.clientSecret);
		}

		const timeoutMs = options.timeoutMs ?? defaultLoginTimeoutMs;
		const session = await beginAuthorization({metadata, client, callbackServer, scopes, resource: discovery.resource, timeoutMs, signal, serverLabel: mcpUrl});
		const {pending} = session;
		onEvent?.({type: 'authorization-started', url: pending.url, redirectUri, timeoutMs});
		try {
			// Opened before the event: `onEvent?.(...)` would skip evaluating its argument without a listener.
			const launch = await openBrowser(pending.url, {noOpen: options.noOpen, env: options.env});
			onEvent?.({type: 'browser', launch});
		} catch (error) {
			// No browser is no reason to stop: the URL is shown, and can be opened by hand.
			if (!(error instanceof WizardError)) throw error;
			onEvent?.({type: 'browser-failed', error});
		}

		const callbackParameters = await session.callback;
		onEvent?.({type: 'callback-received'});
		const tokens = await exchangeCode({http, metadata, client, pending, callbackParameters, signal});
		onEvent?.({type: 'tokens-received'});
		return {discovery, scopeChoice, scopes, registration, client, redirectUri, tokens};
	} finally {
		await callbackServer.close();
	}
}
