import {beginAuthorization} from '../core/authorization-session.js';
import {openBrowser} from '../core/browser.js';
import {startCallbackServer} from '../core/callback-server.js';
import {discover} from '../core/discovery.js';
import type {Exchange, HttpClient} from '../core/http.js';
import {checkMcp} from '../core/mcp-check.js';
import {registerClient} from '../core/registration.js';
import {exchangeCode, refreshTokens} from '../core/tokens.js';
import type {ServerStore} from '../store/types.js';

/** The core steps the wizard's hooks run; tests may replace one (e.g. refresh, under fake timers). */
export const coreSteps = {discover, registerClient, startCallbackServer, beginAuthorization, openBrowser, exchangeCode, refreshTokens, checkMcp};

export type CoreSteps = typeof coreSteps;

/** Login flags that also apply to the wizard. */
export type WizardOptions = {
	readonly clientId?: string;
	readonly clientSecret?: string;
	readonly callbackPort?: number;
	readonly timeoutMs?: number;
	readonly noOpen?: boolean;
	readonly name?: string;
};

/** The exchanges so far, for the trace panel: a tiny external store for useSyncExternalStore. */
export type TraceFeed = {
	push(exchange: Exchange): void;
	subscribe(listener: () => void): () => void;
	snapshot(): readonly Exchange[];
};

export function createTraceFeed(): TraceFeed {
	let exchanges: readonly Exchange[] = [];
	const listeners = new Set<() => void>();
	return {
		push(exchange) {
			exchanges = [...exchanges, exchange];
			for (const listener of listeners) listener();
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		snapshot: () => exchanges,
	};
}

/** Everything with a side effect that the wizard uses, built once by cli.tsx (or a test). */
export type WizardServices = {
	readonly http: HttpClient;
	readonly trace: TraceFeed;
	readonly store: ServerStore;
	readonly env: NodeJS.ProcessEnv;
	readonly options: WizardOptions;
	readonly core: CoreSteps;
};
