import type {HttpClient} from './http.js';
import {withMcpClient} from './mcp-check.js';
import {parseScopes} from './scopes.js';
import {bearerChallenge} from './www-authenticate.js';

export type ToolCallResult =
	| {
		readonly ok: true;
		/** The result's `content` blocks, as the server sent them. */
		readonly content: unknown;
		/** The result's `structuredContent`, when the tool returned one. */
		readonly structuredContent?: unknown;
		/** true: the tool ran and reported a failure of its own (not a protocol or HTTP error). */
		readonly isError?: boolean;
	}
	| {
		readonly ok: false;
		readonly status?: number;
		/** The raw WWW-Authenticate header of a 401 or 403 answer. */
		readonly challenge?: string;
		/** A 403 insufficient_scope (RFC 6750 3.1): the scopes its challenge names (none when it names none). */
		readonly insufficientScope?: {readonly scopes: readonly string[]};
		readonly message: string;
		readonly hint: string;
	};

export type ToolCallOptions = {
	readonly http: HttpClient;
	/** Aborting makes callTool reject with the signal's reason. */
	readonly signal?: AbortSignal;
};

/**
 * Calls one tool with a saved access token (tools/call, after server/discover or initialize). A 403
 * insufficient_scope comes back as data with the challenged scopes, for the caller to step up with
 * (MCP 2025-11-25 "Step-Up Authorization Flow"); the SDK does not step up by itself.
 */
export async function callTool(mcpUrl: string, accessToken: string, tool: string, args: Record<string, unknown>, options: ToolCallOptions): Promise<ToolCallResult> {
	const outcome = await withMcpClient(mcpUrl, accessToken, options, async (client, signal) => client.callTool({name: tool, arguments: args}, {signal}));
	if (!outcome.ok) {
		const params = outcome.status === 403 ? bearerChallenge(outcome.challenge)?.params : undefined;
		if (params?.['error'] !== 'insufficient_scope') return outcome;
		return {...outcome, insufficientScope: {scopes: parseScopes(params['scope'])}};
	}

	const result = outcome.value;
	return {
		ok: true,
		content: result.content,
		...(result.structuredContent === undefined ? {} : {structuredContent: result.structuredContent}),
		...(result.isError === true ? {isError: true} : {}),
	};
}

/**
 * The scopes to authorize again with after a 403 insufficient_scope: the union of the scopes asked
 * before and the challenged ones (MCP 2026-07-28), the old ones first in their order, then the new
 * ones in the challenge's order, each once.
 */
export function stepUpScopes(previous: readonly string[], challenged: readonly string[]): string[] {
	return [...new Set([...previous, ...challenged].filter(scope => scope !== ''))];
}
