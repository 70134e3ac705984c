import {type ErrorInfo, WizardError, assertNever} from '../core/errors.js';
import type {SavedServer} from '../store/types.js';
import {type ClientCheckStep, type ClientIdStep, type ClientStep, type ClientWayStep, type DiscoveryStep, type EnterpriseStep, type LoginAction, type LoginStep, type MetadataStep, type ScopesStep, type UrlStep, reduceLoginStep, startingUrlStep} from './login-state.js';
import {type ServerStep, type ServerStepAction, type ServersStep, reduceServerStep, serverStep} from './server-state.js';
import {type TokenAction, type TokensStep, reduceTokenStep} from './token-state.js';

/*
 * The wizard's state: the step on screen and what the whole wizard keeps. Each flow's steps, actions
 * and reducer are in their own module: login-state (URL to tokens), token-state, server-state.
 */

/** An error as the screens show it: what failed, what the server said, what to try. */
export function toErrorInfo(error: unknown): ErrorInfo {
	if (error instanceof WizardError) return {message: error.message, hint: error.hint, answer: error.answer};
	return {message: error instanceof Error ? error.message : String(error), hint: 'This is unexpected: press t for the HTTP trace, and report it if it repeats.'};
}

export type Step = UrlStep | DiscoveryStep | MetadataStep | ScopesStep | ClientIdStep | ClientWayStep | EnterpriseStep | ClientCheckStep | ClientStep | LoginStep | TokensStep | ServersStep | ServerStep;

export type WizardState = {
	readonly step: Step;
	/** The saved servers, as last read from the store. */
	readonly servers: readonly SavedServer[];
	/** Whether Esc from the first wizard step goes back to the saved-server list. */
	readonly home: boolean;
	/** The HTTP trace panel; independent of the step. */
	readonly traceOpen: boolean;
	/** The loopback redirect URI, once the listener is up (it stays up for the whole wizard). */
	readonly redirectUri?: string;
	readonly callbackError?: ErrorInfo;
};

/** What happens anywhere: Esc, the trace, the saved servers read again, the loopback listener up. */
export type Action =
	| LoginAction
	| TokenAction
	| ServerStepAction
	| {readonly type: 'callback-server-ready'; readonly redirectUri: string}
	| {readonly type: 'servers-loaded'; readonly servers: readonly SavedServer[]}
	| {readonly type: 'back'}
	| {readonly type: 'trace-toggled'};

export function initialState(start: {readonly url?: string; readonly servers: readonly SavedServer[]}): WizardState {
	const home = start.url === undefined && start.servers.length > 0;
	const step: Step = start.url !== undefined ? startingUrlStep(start.url) : home ? {name: 'servers'} : {name: 'url', input: ''};
	return {step, servers: start.servers, home, traceOpen: false};
}

/** Where Esc goes from each step; undefined where there is nowhere to go back to. */
function previousStep(step: Step, home: boolean): Step | undefined {
	const list = (selection?: string): Step | undefined => (home ? {name: 'servers', selection} : undefined);
	switch (step.name) {
		case 'url': {
			return list();
		}

		case 'servers': {
			return undefined;
		}

		case 'server': {
			return {name: 'servers', selection: step.serverName};
		}

		case 'discovery':
		case 'metadata': {
			return step.reauth ? serverStep(step.reauth.name) : {name: 'url', input: step.url};
		}

		case 'scopes': {
			return step.metadata;
		}

		case 'client-check':
		case 'client-id':
		case 'client-way':
		case 'enterprise': {
			return step.scopes;
		}

		case 'registration': {
			return step.phase.kind === 'sending' ? undefined : {...step.scopes, adding: false};
		}

		case 'pre-registered':
		case 'reused':
		case 'client-metadata-document': {
			return step.scopes;
		}

		case 'login': {
			// Not while the tokens are asked for, nor once they are here and not yet saved (Enter saves them): an
			// enterprise login's ID-JAG is spent (before its exchange, while the user logs in at the identity
			// provider, nothing is).
			if (step.phase.kind === 'exchanging' || (step.enterprise && step.phase.kind !== 'failed' && step.enterprise.events.some(event => event.type === 'token-exchange'))) return undefined;
			return step.from.name === 'reused' ? step.from.scopes : step.from;
		}

		case 'tokens': {
			return list(step.saved?.kind === 'saved' ? step.saved.name : undefined);
		}

		default: {
			return assertNever(step);
		}
	}
}

/** Hands an action to the reducer of its flow. */
function reduceStep(step: Step, action: Action): Step {
	switch (action.type) {
		case 'url-submitted':
		case 'attempt-started':
		case 'attempt-finished':
		case 'discovery-finished':
		case 'discovery-failed':
		case 'raw-toggled':
		case 'metadata-accepted':
		case 'scopes-changed':
		case 'scope-adding-started':
		case 'scope-adding-cancelled':
		case 'scope-added':
		case 'scopes-accepted':
		case 'document-checked':
		case 'client-way-opened':
		case 'client-way-picked':
		case 'document-url-entered':
		case 'client-id-entered':
		case 'client-secret-entered':
		case 'private-key-entered':
		case 'private-key-refused':
		case 'enterprise-answered':
		case 'id-token-read':
		case 'enterprise-refused':
		case 'id-token-by-browser':
		case 'enterprise-event':
		case 'enterprise-accepted':
		case 'enterprise-new-id-token':
		case 'enterprise-new-client':
		case 'callback-server-failed':
		case 'name-editing-started':
		case 'name-editing-cancelled':
		case 'name-changed':
		case 'registration-sent':
		case 'registration-succeeded':
		case 'registration-failed':
		case 'client-accepted':
		case 'authorization-started':
		case 'browser-opened':
		case 'browser-failed':
		case 'url-copied':
		case 'login-way-switched':
		case 'device-code-received':
		case 'device-slowed-down':
		case 'paste-started':
		case 'paste-cancelled':
		case 'paste-refused':
		case 'callback-refused':
		case 'callback-received':
		case 'login-failed':
		case 'login-timed-out':
		case 'login-retried':
		case 'tokens-received':
		case 'client-decided': {
			return reduceLoginStep(step, action);
		}

		case 'login-again':
		case 'saved':
		case 'save-failed':
		case 'refresh-requested':
		case 'refresh-succeeded':
		case 'refresh-failed':
		case 'check-requested':
		case 'check-finished':
		case 'tool-call-opened':
		case 'tool-picked':
		case 'tool-call-finished':
		case 'tool-call-closed':
		case 'step-up-accepted': {
			return reduceTokenStep(step, action);
		}

		case 'server-opened':
		case 'server-add':
		case 'server-action':
		case 'server-view':
		case 'server-confirmed':
		case 'server-cancelled':
		case 'server-renamed':
		case 'server-export-shown':
		case 'server-export-done':
		case 'server-activity':
		case 'server-removed': {
			return reduceServerStep(step, action);
		}

		case 'callback-server-ready':
		case 'servers-loaded':
		case 'back':
		case 'trace-toggled': {
			return step;
		}

		default: {
			return assertNever(action);
		}
	}
}

/** Whether Esc has a step to go back to. */
export function canGoBack(state: WizardState): boolean {
	return previousStep(state.step, state.home) !== undefined;
}

export function reducer(state: WizardState, action: Action): WizardState {
	switch (action.type) {
		case 'back': {
			return {...state, step: previousStep(state.step, state.home) ?? state.step};
		}

		case 'servers-loaded': {
			return {...state, servers: action.servers, home: state.home || action.servers.length > 0};
		}

		case 'server-action': {
			// Re-authorization starts the wizard again at discovery, from the saved server's scopes.
			if (state.step.name === 'server' && action.action === 'reauthorize') {
				const {serverName} = state.step;
				const saved = state.servers.find(server => server.name === serverName);
				if (!saved) return state;
				// An enterprise login again: the same identity provider and client, a new ID token (the old one was not kept).
				const {identityProvider: idp, client} = saved;
				const enterprise = saved.grant === 'jwt-bearer' && idp && client ? {identityProvider: {...(idp.issuer === undefined ? {tokenEndpoint: idp.tokenEndpoint} : {issuer: idp.issuer}), clientId: idp.clientId}, client, issuer: saved.issuer} : undefined;
				return {...state, step: {name: 'discovery', url: saved.mcpUrl, rows: [], reauth: {name: saved.name, scopes: saved.scopes, ...(enterprise ? {enterprise} : {})}}};
			}

			return {...state, step: reduceStep(state.step, action)};
		}

		case 'trace-toggled': {
			return {...state, traceOpen: !state.traceOpen};
		}

		case 'callback-server-ready': {
			return {...state, redirectUri: action.redirectUri, callbackError: undefined};
		}

		case 'callback-server-failed': {
			return {...state, callbackError: action.error, step: reduceStep(state.step, action)};
		}

		default: {
			return {...state, step: reduceStep(state.step, action)};
		}
	}
}
