import {type Dispatch, useCallback, useEffect, useRef} from 'react';
import type {AuthorizationSession} from '../core/authorization-session.js';
import type {CallbackServer} from '../core/callback-server.js';
import {CallbackTimeoutError, WizardError} from '../core/errors.js';
import {verificationAddress} from '../core/device.js';
import type {Exchange} from '../core/http.js';
import type {LoginEvent} from '../core/login.js';
import {clipboardSequence, copyBlock} from '../components/clipboard.js';
import {buildRegistrationRequest} from '../core/registration.js';
import {startTimer} from '../core/timers.js';
import {isRevokedGrant, refreshDueAt} from '../core/tokens.js';
import {recordCheck} from '../store/changes.js';
import {type LoginOutcome, saveLogin, savedServerOf} from '../store/saved-server.js';
import {keepFresh, requireTokens, withFreshToken} from '../store/token-keeper.js';
import type {SavedServer} from '../store/types.js';
import {checkClientMetadataDocument, clientForDocument} from '../core/client-metadata-document.js';
import type {WizardServices} from './services.js';
import {keeperOptions} from './use-server-effects.js';
import {type ClientStep, type LoginStep, type ScopesStep, clientCredentials, grantOf, saveAs} from './login-state.js';
import {type Action, type Step, toErrorInfo} from './state.js';
import type {TokensStep} from './token-state.js';

/** What a login needs from the steps before it. */
export function loginContext(from: ClientStep) {
	const scopes: ScopesStep = from.scopes;
	const {discovery} = scopes.metadata;
	const metadata = discovery.authorizationServer!.metadata;
	return {mcpUrl: discovery.mcpUrl, resource: discovery.resource, issuer: discovery.authorizationServer!.issuer, metadata, scopes: scopes.selected};
}

/** The registration body shown in the preview is exactly the one sent. */
export function registrationRequestFor(step: Extract<ClientStep, {name: 'registration'}>, redirectUri: string) {
	const {metadata, scopes} = loginContext(step);
	return buildRegistrationRequest({metadata, redirectUri, scopes, clientName: step.clientName});
}

export function useDiscovery(step: Step, dispatch: Dispatch<Action>, services: WizardServices): void {
	const url = step.name === 'discovery' && step.error === undefined ? step.url : undefined;
	useEffect(() => {
		if (url === undefined) return;
		const controller = new AbortController();
		const {signal} = controller;
		const send = (action: Action) => {
			if (!signal.aborted) dispatch(action);
		};

		services.core
			.discover(url, {
				http: services.http,
				signal,
				// The wizard asks for a client id when the server cannot give one: no reason to stop at the metadata.
				hasClientId: true,
				clientMetadataUrl: services.options.clientMetadataUrl,
				onEvent(event) {
					send(event.type === 'attempt-started' ? {type: 'attempt-started', stage: event.stage, url: event.url} : {type: 'attempt-finished', attempt: event.attempt});
				},
			})
			.then(
				discovery => send({type: 'discovery-finished', discovery}),
				(error: unknown) => send({type: 'discovery-failed', error: toErrorInfo(error)}),
			);
		return () => controller.abort();
	}, [url]);
}

/**
 * The loopback listener: started when the client step needs its redirect URI, on a port that then stays
 * the same for the whole wizard (the registration names it). Each login attempt takes the open listener,
 * or a new one on that port once an earlier attempt has closed it.
 */
export type CallbackListener = {
	/** Starts the listener if it is not up (again, after a failure); the redirect URI arrives as an action. */
	ensure(): Promise<CallbackServer>;
	/** The listener for one login attempt; on `port` when given (a reused client's registered redirect URI). */
	take(port?: number): Promise<CallbackServer>;
};

export function useCallbackListener(step: Step, dispatch: Dispatch<Action>, services: WizardServices): CallbackListener {
	const state = useRef<{server?: CallbackServer; starting?: Promise<CallbackServer>; port?: number}>({});
	const unmounted = useRef(false);
	// A reused or document client's login starts its own listener, on the port its redirect URI names; a
	// client acting as itself needs none (no browser).
	const needed = step.name === 'registration'
		|| (step.name === 'client-id' && step.grant === undefined)
		|| (step.name === 'pre-registered' && step.grant === undefined && step.enterprise === undefined)
		|| (step.name === 'login' && step.from.name !== 'reused' && step.from.name !== 'client-metadata-document' && (grantOf(step) === 'authorization_code' || grantOf(step) === 'device_code'));

	const start = useCallback(async (port?: number) => {
		state.current.starting ??= services.core.startCallbackServer({port: port ?? state.current.port ?? services.options.callbackPort}).then(
			server => {
				if (unmounted.current) {
					// The wizard quit while it was starting: nobody is left to close it.
					void server.close();
					return server;
				}

				state.current = {server, port: Number(new URL(server.redirectUri).port)};
				dispatch({type: 'callback-server-ready', redirectUri: server.redirectUri});
				return server;
			},
			(error: unknown) => {
				state.current = {port: state.current.port};
				dispatch({type: 'callback-server-failed', error: toErrorInfo(error)});
				throw error;
			},
		);
		return state.current.starting;
	}, []);

	useEffect(() => {
		if (needed && !state.current.server && !state.current.starting) start().catch(() => undefined);
	}, [needed]);

	useEffect(
		() => () => {
			unmounted.current = true;
			void state.current.server?.close();
		},
		[],
	);

	const take = useCallback(
		async (port?: number) => {
			let server = state.current.server;
			if (server && port !== undefined && state.current.port !== port) {
				await server.close();
				state.current = {};
				server = undefined;
			}

			server ??= await start(port);
			// A login attempt consumes the listener (it closes after one callback); the next one starts anew.
			state.current = {port: state.current.port};
			return server;
		},
		[start],
	);

	return {ensure: async () => state.current.server ?? start(), take};
}

export function useRegistration(step: Step, dispatch: Dispatch<Action>, services: WizardServices, redirectUri: string | undefined, listener: CallbackListener): void {
	const sending = step.name === 'registration' && step.phase.kind === 'sending' ? step : undefined;
	useEffect(() => {
		if (!sending) return;
		if (redirectUri === undefined) {
			// The listener failed to start before: try again; its redirect URI brings this effect back.
			listener.ensure().catch(() => undefined);
			return;
		}

		const controller = new AbortController();
		const {metadata} = loginContext(sending);
		services.core.registerClient(services.http, metadata, registrationRequestFor(sending, redirectUri), {signal: controller.signal}).then(
			result => {
				if (!controller.signal.aborted) dispatch({type: 'registration-succeeded', result});
			},
			(error: unknown) => {
				if (!controller.signal.aborted) dispatch({type: 'registration-failed', error: toErrorInfo(error)});
			},
		);
		return () => controller.abort();
	}, [sending !== undefined, redirectUri]);
}

export type LoginControls = {
	/** Opens the authorization URL in the browser again. */
	reopen(): void;
	/** Puts the authorization URL on the clipboard (OSC 52). */
	copy(): void;
	/** Offers the URL the browser was redirected to; a wrong one is refused on screen. */
	paste(url: string): void;
};

async function launchBrowser(url: string, services: WizardServices, send: (action: Action) => void): Promise<void> {
	try {
		send({type: 'browser-opened', launch: await services.core.openBrowser(url, {noOpen: services.options.noOpen, env: services.env})});
	} catch (error) {
		send({type: 'browser-failed', message: error instanceof WizardError ? error.message : String(error)});
	}
}

/** What the wizard shows of the login's events (the tokens come with its result). */
function loginAction(event: LoginEvent): Action | undefined {
	switch (event.type) {
		case 'authorization-started': {
			return {type: 'authorization-started', url: event.url, startedAt: Date.now()};
		}

		case 'browser': {
			return {type: 'browser-opened', launch: event.launch};
		}

		case 'browser-failed': {
			// The screen says what to do instead (the URL, p): the error's own hint is the CLI's.
			return {type: 'browser-failed', message: event.error.message};
		}

		case 'callback-refused': {
			return {type: 'callback-refused', message: event.message};
		}

		case 'callback-received': {
			return {type: 'callback-received'};
		}

		default: {
			return undefined;
		}
	}
}

/**
 * Writes to the terminal above the wizard's frame, where the terminal wraps a line and a copy takes it
 * whole (Ink's write): the authorization URL, an export, the clipboard's escape sequence.
 */
export type Print = (text: string) => void;

export function useLogin(step: Step, dispatch: Dispatch<Action>, services: WizardServices, listener: CallbackListener, print: Print): LoginControls {
	const login: LoginStep | undefined = step.name === 'login' ? step : undefined;
	const session = useRef<AuthorizationSession | undefined>(undefined);
	const latest = useRef(login);
	latest.current = login;

	useEffect(() => {
		const current = latest.current;
		if (!current) return;
		const controller = new AbortController();
		const {signal} = controller;
		const send = (action: Action) => {
			if (!signal.aborted) dispatch(action);
		};

		const {metadata, resource, scopes, mcpUrl} = loginContext(current.from);
		// What every grant at the token endpoint takes (RFC 8707 `resource` included).
		const grant = {http: services.http, metadata, client: current.client, scopes, resource, signal};
		(async () => {
			if (current.from.name === 'pre-registered' && current.from.enterprise) {
				// SEP-990: the ID token for an ID-JAG at the identity provider, the ID-JAG for tokens here; each exchange shown as it happens.
				// None at hand: the user logs in at the identity provider in the browser (OpenID Connect), its
				// URL printed whole as the MCP login's. On the wizard's listener where --callback-port names
				// its port (the listener holds it); else on a free port of its own (RFC 8252 7.3), never on
				// the port an earlier attempt had, which another program may have taken since.
				const {identityProvider, idToken} = current.from.enterprise;
				const callbackServer = idToken === undefined && services.options.callbackPort !== undefined ? await listener.take() : undefined;
				if (signal.aborted) {
					await callbackServer?.close();
					return;
				}

				const {tokens} = await services.core.enterpriseLogin({
					...grant,
					identityProvider,
					idToken,
					browser: {
						callbackServer,
						timeoutMs: services.options.timeoutMs,
						noOpen: services.options.noOpen,
						env: services.env,
						onSession(started: AuthorizationSession) {
							session.current = started;
						},
						onEvent(event: LoginEvent) {
							if (event.type === 'authorization-started' && !signal.aborted) print(copyBlock('Identity provider login URL (to open in a browser):', event.url, {link: true}));
						},
					},
					onEvent: event => send({type: 'enterprise-event', event}),
				});
				send({type: 'tokens-received', tokens});
				return;
			}

			if (grantOf(current) === clientCredentials) {
				const tokens = await services.core.clientCredentialsTokens(grant);
				send({type: 'tokens-received', tokens});
				return;
			}

			if (current.device) {
				const tokens = await services.core.deviceLogin({
					...grant,
					timeoutMs: services.options.timeoutMs,
					onEvent(event) {
						send(event.type === 'device-code' ? {type: 'device-code-received', code: event.code} : {type: 'device-slowed-down', intervalMs: event.intervalMs});
					},
					async onCode(code) {
						// Whole, where it can be copied, like the authorization URL; opened here where a browser is.
						if (!signal.aborted) print(copyBlock('Address to log in at, on any device (it holds the code):', verificationAddress(code), {link: true}));
						await launchBrowser(verificationAddress(code), services, send);
					},
				});
				send({type: 'tokens-received', tokens});
				return;
			}

			const callbackServer = await listener.take(current.from.name === 'reused' || current.from.name === 'client-metadata-document' ? current.from.callbackPort : undefined);
			if (signal.aborted) {
				// Until the authorization takes the listener (and closes it when done), closing it is ours to do.
				await callbackServer.close();
				return;
			}

			const tokens = await services.core.authorize({
				http: services.http,
				metadata,
				client: current.client,
				callbackServer,
				scopes,
				resource,
				mcpUrl,
				timeoutMs: services.options.timeoutMs,
				noOpen: services.options.noOpen,
				env: services.env,
				signal,
				onSession(started) {
					session.current = started;
				},
				onEvent(event) {
					// The URL whole, once an attempt, where it can be copied (and `tmux capture-pane -J` rejoins it).
					if (event.type === 'authorization-started' && !signal.aborted) print(copyBlock('Authorization URL (to open in a browser):', event.url, {link: true}));
					const action = loginAction(event);
					if (action) send(action);
				},
			});
			send({type: 'tokens-received', tokens});
		})().catch((error: unknown) => {
			// An enterprise login's browser wait (at the identity provider) has no waiting phase: its end is a failure, with r.
			const enterprise = current.from.name === 'pre-registered' && current.from.enterprise !== undefined;
			send(error instanceof CallbackTimeoutError && !enterprise ? {type: 'login-timed-out'} : {type: 'login-failed', error: toErrorInfo(error)});
		});

		return () => {
			controller.abort();
			session.current = undefined;
		};
	}, [login !== undefined, login?.attempt]);

	return {
		copy() {
			const url = session.current?.pending.url ?? (login?.device?.code && verificationAddress(login.device.code));
			if (!url) return;
			print(clipboardSequence(url));
			dispatch({type: 'url-copied'});
		},
		reopen() {
			const url = session.current?.pending.url ?? (login?.device?.code && verificationAddress(login.device.code));
			if (url) void launchBrowser(url, services, dispatch);
		},
		paste(url) {
			try {
				session.current?.paste(url);
			} catch (error) {
				dispatch({type: 'paste-refused', message: error instanceof WizardError ? `${error.message}. ${error.hint}` : String(error)});
			}
		},
	};
}

/**
 * The exchanges of the login that just ended: from the probe of the discovery it started with. The
 * session's client holds everything since the wizard started (other logins, checks, refreshes).
 */
function thisLoginsExchanges(exchanges: readonly Exchange[]): readonly Exchange[] {
	const start = exchanges.findLastIndex(exchange => exchange.step === 'probe');
	return start === -1 ? exchanges : exchanges.slice(start);
}

/**
 * What a saved login remembers of its grant: a client acting as itself gets new tokens by it again; an
 * enterprise login, its identity provider (never the ID token), for the command that logs in again.
 */
function savedGrant(login: LoginStep): Pick<LoginOutcome, 'grant' | 'identityProvider'> {
	if (grantOf(login) === clientCredentials) return {grant: clientCredentials};
	const identityProvider = login.from.name === 'pre-registered' ? login.from.enterprise?.identityProvider : undefined;
	const exchange = login.enterprise?.events.find(event => event.type === 'token-exchange');
	if (!identityProvider || exchange?.type !== 'token-exchange') return {};
	return {grant: 'jwt-bearer', identityProvider: {...(identityProvider.issuer === undefined ? {} : {issuer: identityProvider.issuer}), tokenEndpoint: exchange.tokenEndpoint, clientId: identityProvider.clientId}};
}

/**
 * The saved server the token screen stands for, holding the tokens it shows: the keeper tells them
 * from newer ones another process saved. A login that could not be saved is kept in memory only.
 */
function shownServer(services: WizardServices, current: TokensStep): SavedServer {
	const context = loginContext(current.login.from);
	const name = current.saved?.kind === 'saved' ? current.saved.name : undefined;
	const saved = (name === undefined ? undefined : services.store.find(name)) ?? savedServerOf({...context, ...savedGrant(current.login), client: current.login.client, registration: current.login.registration, tokens: current.tokens}, undefined, name ?? '(not saved)');
	return {...saved, tokens: current.tokens};
}

/** Saves the login, refreshes by itself shortly before expiry, and runs refreshes and checks on request. */
export function useTokenLifecycle(step: Step, dispatch: Dispatch<Action>, services: WizardServices): void {
	const tokensStep: TokensStep | undefined = step.name === 'tokens' ? step : undefined;
	const latest = useRef(tokensStep);
	latest.current = tokensStep;
	const tokens = tokensStep?.tokens;

	// Save the login with its own exchanges. A refresh is saved by the token keeper (the login, its
	// registration time and its trace stay as they were); a login that could not be saved is tried again.
	useEffect(() => {
		const current = latest.current;
		if (!current || !tokens || current.saved?.kind === 'saved') return;
		const context = loginContext(current.login.from);
		saveLogin(services.store, {...context, ...savedGrant(current.login), client: current.login.client, registration: current.login.registration, tokens, trace: thisLoginsExchanges(services.http.exchanges)}, saveAs(current.login.from.scopes, services.options.name)).then(
			saved => {
				dispatch({type: 'saved', name: saved.name, path: services.store.path});
				dispatch({type: 'servers-loaded', servers: services.store.list()});
			},
			(error: unknown) => dispatch({type: 'save-failed', message: toErrorInfo(error).message}),
		);
	}, [tokens]);

	// Refresh by itself shortly before expiry (RFC 6749 6).
	useEffect(() => {
		if (!tokens) return;
		const current = latest.current;
		const dueAt = refreshDueAt(tokens, current !== undefined && grantOf(current.login) === clientCredentials);
		if (dueAt === undefined) return;
		return startTimer(() => dispatch({type: 'refresh-requested'}), Date.parse(dueAt) - Date.now());
	}, [tokens]);

	const refreshing = tokensStep?.refresh.kind === 'refreshing';
	useEffect(() => {
		const current = latest.current;
		if (!refreshing || !current || (!current.tokens.refreshToken && grantOf(current.login) !== clientCredentials)) return;
		const controller = new AbortController();
		const keeper = tokenKeeperFor(current, services, dispatch, controller.signal);
		keepFresh(services.store, shownServer(services, current), {...keeper.options, force: true}).then(({server}) => keeper.refreshed(server), keeper.failed);
		return () => controller.abort();
	}, [refreshing]);

	const checking = tokensStep?.check.kind === 'running';
	useEffect(() => {
		const current = latest.current;
		if (!checking || !current) return;
		const controller = new AbortController();
		const {mcpUrl} = loginContext(current.login.from);
		const keeper = tokenKeeperFor(current, services, dispatch, controller.signal);
		// An expired token is refreshed first, and once after a 401, as on the saved-server screen.
		withFreshToken(services.store, shownServer(services, current), keeper.options, async server => services.core.checkMcp(mcpUrl, requireTokens(server).accessToken, {http: services.http, signal: controller.signal})).then(({result, server, refreshed}) => {
			if (controller.signal.aborted) return;
			if (refreshed) keeper.refreshed(server);
			dispatch({type: 'check-finished', result});
			// Saved with the server, and read again, so that its details show it.
			recordCheck(services.store, server.name, result).then(
				() => dispatch({type: 'servers-loaded', servers: services.store.list()}),
				(error: unknown) => dispatch({type: 'save-failed', message: toErrorInfo(error).message}),
			);
		}, keeper.failed);
		return () => controller.abort();
	}, [checking]);
}

/**
 * The token keeper as the token screen uses it (one refresh at a time across processes; tokens another
 * process refreshed meanwhile are taken as they are), and what the screen shows of its outcome.
 */
function tokenKeeperFor(current: TokensStep, services: WizardServices, dispatch: Dispatch<Action>, signal: AbortSignal) {
	const options = keeperOptions(services, signal, 'press a to log in again');
	return {
		options,
		refreshed(server: SavedServer) {
			if (signal.aborted || !server.tokens) return;
			dispatch({type: 'refresh-succeeded', tokens: server.tokens});
			dispatch({type: 'servers-loaded', servers: services.store.list()});
		},
		failed(error: unknown) {
			if (signal.aborted) return;
			// invalid_grant: the keeper cleared the saved tokens, and only a new login helps.
			const revoked = isRevokedGrant(error);
			dispatch({type: 'refresh-failed', error: toErrorInfo(error), revoked});
			if (revoked) dispatch({type: 'servers-loaded', servers: services.store.list()});
		},
	};
}

/** A Client ID Metadata Document is fetched and checked before it is used (MCP 2025-11-25, Client ID Metadata Documents). */
export function useDocumentCheck(step: Step, dispatch: Dispatch<Action>, services: WizardServices): void {
	const pending = step.name === 'client-metadata-document' && step.check === undefined ? step : undefined;
	useEffect(() => {
		if (!pending) return;
		const controller = new AbortController();
		const {callbackPort} = services.options;
		checkClientMetadataDocument(services.http, pending.url, {signal: controller.signal, callbackPort, scopes: pending.scopes.selected}).then(
			check => {
				if (controller.signal.aborted) return;
				const port = check.errors.length === 0 ? clientForDocument(check, callbackPort).callbackPort : undefined;
				dispatch({type: 'document-checked', check, callbackPort: port});
			},
			() => undefined,
		);
		return () => controller.abort();
	}, [pending?.url]);
}

/** A tool called from the token screen, with the token it shows (refreshed first when needed). */
export function useToolCall(step: Step, dispatch: Dispatch<Action>, services: WizardServices): void {
	const running = step.name === 'tokens' && step.call?.kind === 'running' ? step : undefined;
	const tool = running?.call?.kind === 'running' ? running.call.tool : undefined;
	const latest = useRef(running);
	latest.current = running;
	useEffect(() => {
		const current = latest.current;
		if (!current || tool === undefined) return;
		const controller = new AbortController();
		const {mcpUrl} = loginContext(current.login.from);
		const keeper = tokenKeeperFor(current, services, dispatch, controller.signal);
		// A 401 is refused before the tool runs: calling again with a refreshed token does not repeat it.
		withFreshToken(services.store, shownServer(services, current), keeper.options, async server => services.core.callTool(mcpUrl, requireTokens(server).accessToken, tool, {}, {http: services.http, signal: controller.signal})).then(({result, server, refreshed}) => {
			if (controller.signal.aborted) return;
			if (refreshed) keeper.refreshed(server);
			dispatch({type: 'tool-call-finished', result});
		}, keeper.failed);
		return () => controller.abort();
	}, [tool]);
}

/**
 * The files whose paths the wizard's fields take (a private key, an ID token): read and checked
 * through core, each outcome an action; a refusal says why, with what to do.
 */
export function fileAnswers(services: WizardServices, dispatch: Dispatch<Action>) {
	const why = (error: unknown) => (error instanceof WizardError ? `${error.message}. ${error.hint}` : String(error));
	return {
		privateKey(path: string, supported: readonly string[] | undefined) {
			services.core.privateKeyFromFile(path, supported).then(
				privateKey => dispatch({type: 'private-key-entered', privateKey}),
				(error: unknown) => dispatch({type: 'private-key-refused', message: why(error)}),
			);
		},
		idToken(path: string) {
			services.core.idTokenFromFile(path).then(
				({token, claims}) => dispatch({type: 'id-token-read', token, claims}),
				(error: unknown) => dispatch({type: 'enterprise-refused', message: why(error)}),
			);
		},
	};
}
