import {UsageError, WizardError} from '../core/errors.js';
import {printable} from '../core/text.js';
import {type ToolCallResult, callTool, stepUpScopes} from '../core/tool-call.js';
import {summarizeTokens} from '../core/tokens.js';
import type {SavedServer} from '../store/types.js';
import {type CommandContext, requireServer} from './context.js';
import {requireTokens, withFreshToken} from './fresh-tokens.js';
import type {LoginFlags} from './login.js';
import {runReauthorize} from './manage.js';
import {exitCode, quietOutput} from './output.js';

/** `verify <server> --call <tool> [--args '<json object>']`. */
export type ToolCallRequest = {
	readonly tool: string;
	readonly args: Record<string, unknown>;
};

/** The first call and at most two step-up logins (MCP 2025-11-25: retry "no more than a few times"). */
export const maxToolCallAttempts = 3;

/** --args: a JSON object, or a usage error that says what came instead. */
export function parseToolArguments(text: string | undefined): Record<string, unknown> {
	if (text === undefined) return {};
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		throw new UsageError(`--args is not valid JSON (${error instanceof Error ? error.message : String(error)})`, 'Pass the tool arguments as a JSON object, e.g. --args \'{"to": "bob@example.com"}\'.');
	}

	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		throw new UsageError(`--args must be a JSON object, not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`, 'Pass the tool arguments as a JSON object, e.g. --args \'{"to": "bob@example.com"}\'.');
	}

	return value as Record<string, unknown>;
}

export type StepUp = {
	/** The scopes the 403 insufficient_scope challenge named. */
	readonly challenged: readonly string[];
	/** What the login after it asked for: the old scopes and the challenged ones. */
	readonly scopes: readonly string[];
};

/** The tool result for a terminal: text blocks as text, anything else as JSON. */
function contentLines(result: Extract<ToolCallResult, {ok: true}>): string[] {
	const blocks = Array.isArray(result.content) ? (result.content as unknown[]) : [];
	const lines = blocks.map(block => {
		const {type, text} = (block ?? {}) as {type?: unknown; text?: unknown};
		return type === 'text' && typeof text === 'string' ? printable(text) : printable(JSON.stringify(block, null, 2));
	});
	if (blocks.length === 0 && result.structuredContent !== undefined) lines.push(printable(JSON.stringify(result.structuredContent, null, 2)));
	return lines.length === 0 ? ['(no content)'] : lines;
}

/** A step-up changes the saved server (new tokens, maybe a new client): said, then asked, or --yes. */
async function confirmStepUp(context: CommandContext, server: SavedServer, request: ToolCallRequest, scopes: readonly string[]): Promise<void> {
	if (context.yes) return;
	const command = `mcp-auth-wizard verify ${server.name} --call ${request.tool}${Object.keys(request.args).length > 0 ? ' --args ...' : ''} --yes`;
	if (!context.ask) {
		throw new WizardError('mcp-check', `${request.tool} needs scopes the saved token lacks; nothing was changed`, `Pass --yes to log in again with ${scopes.join(' ')} and call it again (no terminal to ask in): ${command}`);
	}

	if (!(await context.ask('Log in again with these scopes, then call the tool again? [y/N] '))) {
		throw new WizardError('mcp-check', 'Not logged in again: nothing was changed', `Run it again and answer y, or pass --yes: ${command}`);
	}
}

/**
 * Calls a tool with the saved token. On 403 insufficient_scope (MCP 2025-11-25 step-up): shows the
 * challenged scopes and their union with the ones asked before, and once the user agrees logs in again
 * with the union (the re-authorization of `reauthorize`: the saved client when it still fits, else a
 * new registration), then calls again; at most three calls in all.
 */
export async function runToolCall(context: CommandContext, nameOrUrl: string | undefined, request: ToolCallRequest, flags: LoginFlags): Promise<number> {
	const store = await context.openStore();
	let server = requireServer(store, nameOrUrl, 'verify');
	// The re-authorization shares the store opened here (its notices said once) and prints no result of its own.
	const loginContext: CommandContext = {...context, output: quietOutput(context.output), openStore: async () => store};
	const stepUps: StepUp[] = [];
	let attempt = 1;
	for (;;) {
		if (!server.tokens) {
			throw new WizardError('mcp-check', `${server.name} has no access token`, `Log in again: mcp-auth-wizard reauthorize ${server.name}`);
		}

		context.output.note(`Calling ${request.tool} on ${server.mcpUrl}${attempt > 1 ? ` (attempt ${attempt} of ${maxToolCallAttempts})` : ''}`);
		// A 401 is refused before the tool runs: calling again with a refreshed token does not repeat it.
		const fresh = await withFreshToken(context, store, server, async current => callTool(current.mcpUrl, requireTokens(current, 'mcp-check').accessToken, request.tool, request.args, {http: context.http, signal: context.signal}));
		server = fresh.server;
		const {result} = fresh;
		const challenged = result.ok ? undefined : result.insufficientScope?.scopes;
		if (challenged === undefined) return report(context, server, request, result, stepUps, attempt);
		const stop = whyNoStepUp(server, challenged, attempt, stepUps.length);
		if (stop !== undefined) return report(context, server, request, result, stepUps, attempt, stop);

		const scopes = stepUpScopes(server.scopes, challenged);
		const added = scopes.filter(scope => !server.scopes.includes(scope));
		context.output.note(`${request.tool} needs more scopes (HTTP 403 insufficient_scope): the server asks for ${challenged.join(' ')}.`);
		context.output.note(`  Asked before: ${server.scopes.join(' ') || '(none)'}`);
		context.output.note(`  Log in again with: ${scopes.join(' ')}${added.length > 0 ? ` (adds ${added.join(' ')})` : ' (nothing new: the last login may not have been granted them all)'}`);
		await confirmStepUp(context, server, request, scopes);
		await runReauthorize(loginContext, server.name, {...flags, scopes, name: undefined, verify: false});
		stepUps.push({challenged, scopes});
		const updated = store.find(server.name);
		if (!updated) throw new WizardError('store', `${server.name} was removed meanwhile`, 'See `mcp-auth-wizard list`.');
		server = updated;
		attempt++;
	}
}

/** Why a 403 insufficient_scope is not worth another login, or undefined when it is. */
function whyNoStepUp(server: SavedServer, challenged: readonly string[], attempt: number, stepUps: number): string | undefined {
	if (challenged.length === 0) return 'The server did not say which scope it needs (no `scope` in its challenge), so there is nothing to log in again for.';
	const granted = server.tokens && summarizeTokens(server.tokens, server.scopes).grantedScopes;
	if (granted && challenged.every(scope => granted.includes(scope))) {
		return `The token already carries ${challenged.join(' ')}, and the server still refuses: logging in again cannot help; ask the server operator.`;
	}

	if (attempt >= maxToolCallAttempts) return `Still refused after ${stepUps} login${stepUps === 1 ? '' : 's'} with more scopes; stopped (at most ${maxToolCallAttempts} calls).`;
	return undefined;
}

function report(context: CommandContext, server: SavedServer, request: ToolCallRequest, result: ToolCallResult, stepUps: readonly StepUp[], attempts: number, stop?: string): number {
	const base = {server: server.name, mcpUrl: server.mcpUrl, tool: request.tool, arguments: request.args, attempts, stepUps};
	const after = stepUps.length > 0 ? ` after ${stepUps.length} login${stepUps.length === 1 ? '' : 's'} with more scopes (now ${server.scopes.join(' ')})` : '';
	if (result.ok) {
		const {ok: _ok, ...call} = result;
		context.output.result({ok: result.isError !== true, ...base, result: call}, () => [
			`${result.isError ? `${request.tool} ran but reported an error` : `Called ${request.tool}`} on ${server.name}${after}:`,
			...contentLines(result),
		]);
		return result.isError ? exitCode.failed : exitCode.ok;
	}

	const {ok: _ok, ...failure} = result;
	context.output.result({ok: false, ...base, error: {...failure, ...(stop === undefined ? {} : {hint: stop})}}, () => [
		`Calling ${request.tool} failed${result.status === undefined ? '' : ` (HTTP ${result.status})`}${after}: ${result.message}`,
		...(result.challenge ? [`  WWW-Authenticate: ${result.challenge}`] : []),
		...(result.insufficientScope ? [`  Scopes asked for: ${result.insufficientScope.scopes.join(' ') || '(not said)'}; saved token's scopes: ${server.scopes.join(' ') || '(none)'}`] : []),
		`  Try: ${stop ?? result.hint}`,
	]);
	return exitCode.failed;
}
