import type {Discovery} from './discovery.js';

export type ScopeSource = 'challenge' | 'resource-metadata' | 'authorization-server' | 'user';

/** A scope the user can choose, and every place that advertised it. */
export type ScopeOption = {
	readonly scope: string;
	readonly sources: readonly ScopeSource[];
};

export type ScopeChoice = {
	/** Every advertised scope, in the order challenge, resource metadata, authorization server. */
	readonly options: readonly ScopeOption[];
	/** The spec's default selection (MCP 2025-11-25, Scope Selection Strategy). */
	readonly defaults: readonly string[];
	/** Why the defaults are what they are, in one line. */
	readonly reason: string;
};

/**
 * Why a string cannot be one scope, or undefined when it can: a scope token is printable ASCII without
 * space, `"` or `\\` (RFC 6749 3.3), as the `scope` parameter separates scopes by spaces.
 */
export function scopeTokenProblem(scope: string): string | undefined {
	if (scope === '') return 'a scope cannot be empty';
	const shown = JSON.stringify(scope);
	if (/\s/.test(scope)) return `${shown} has a space, and would be sent as ${scope.split(/\s+/).filter(Boolean).length} scopes: a scope has none (RFC 6749 3.3)`;
	const bad = [...scope].find(char => !/^[\u0021\u0023-\u005B\u005D-\u007E]$/.test(char));
	if (bad === undefined) return undefined;
	const named = bad === '"' ? 'a double quote' : bad === '\\' ? 'a backslash' : JSON.stringify(bad);
	return `${shown} holds ${named}, which a scope cannot hold: only printable ASCII without space, double quote or backslash (RFC 6749 3.3)`;
}

/** Splits a scope list typed by a user or sent by a server: spaces or commas (RFC 6749 3.3 uses spaces). */
export function parseScopes(text: string | undefined): string[] {
	if (!text) return [];
	return [...new Set(text.split(/[\s,]+/).filter(scope => scope !== ''))];
}

/** The `scope` parameter value: space-delimited, no duplicates; undefined when there is none to send. */
export function scopeParameter(scopes: readonly string[]): string | undefined {
	const unique = [...new Set(scopes.filter(scope => scope !== ''))];
	return unique.length === 0 ? undefined : unique.join(' ');
}

/**
 * The scopes to offer and to preselect (MCP 2025-11-25, Scope Selection Strategy): the 401
 * challenge's `scope` if present (authoritative), else the resource metadata's `scopes_supported`, else
 * no scope at all. `offline_access` is added when the authorization server lists it, so that a refresh
 * token can be issued; the user can take it out.
 */
export function chooseScopes(discovery: Discovery): ScopeChoice {
	const fromChallenge = parseScopes(discovery.probe.challenge?.params['scope']);
	const fromResource = discovery.resourceMetadata?.document.scopes_supported ?? [];
	const fromServer = discovery.authorizationServer?.metadata.scopes_supported ?? [];

	const sources = new Map<string, ScopeSource[]>();
	const add = (scopes: readonly string[], source: ScopeSource) => {
		for (const scope of scopes) sources.set(scope, [...(sources.get(scope) ?? []), source]);
	};

	add(fromChallenge, 'challenge');
	add(fromResource, 'resource-metadata');
	add(fromServer, 'authorization-server');
	const options = [...sources].map(([scope, from]) => ({scope, sources: from}));

	let defaults: string[];
	let reason: string;
	if (fromChallenge.length > 0) {
		defaults = fromChallenge;
		reason = 'the scope named by the server\'s 401 challenge';
	} else if (fromResource.length > 0) {
		defaults = [...fromResource];
		reason = 'every scope in the resource metadata\'s scopes_supported';
	} else {
		return {options, defaults: [], reason: 'no scope is advertised by the MCP server, so none is sent'};
	}

	if (fromServer.includes('offline_access') && !defaults.includes('offline_access')) {
		defaults.push('offline_access');
		reason += ', plus offline_access for a refresh token';
	}

	return {options, defaults, reason};
}

/** Scopes that were asked for but not granted. */
export function missingScopes(requested: readonly string[], granted: readonly string[]): string[] {
	return requested.filter(scope => !granted.includes(scope));
}
