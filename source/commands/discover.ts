import {discover, discoveryError} from '../core/discovery.js';
import {chooseScopes} from '../core/scopes.js';
import {parseServerUrl} from '../core/urls.js';
import type {CommandContext} from './context.js';
import {discoveryLines} from './format.js';
import {exitCode} from './output.js';

export async function runDiscover(context: CommandContext, url: string): Promise<number> {
	const {output, http, signal} = context;
	const mcpUrl = parseServerUrl(url).toString();
	const discovery = await discover(mcpUrl, {
		http,
		signal,
		onEvent(event) {
			if (event.type === 'attempt-finished') output.note(`${event.attempt.stage}: ${event.attempt.url} -> ${event.attempt.status ?? event.attempt.outcome} (${event.attempt.ms} ms)`);
		},
	});
	const scopes = chooseScopes(discovery);
	const error = discoveryError(discovery);
	const ok = error === undefined;
	// The stopping finding also as `error`, as every command reports a failure (step, message, hint).
	output.result({ok, discovery, scopes, ...(error ? {error: {step: error.step, message: error.message, hint: error.hint}} : {})}, () => [
		...discoveryLines(discovery),
		'',
		'Scopes:',
		...scopes.options.map(option => `  ${scopes.defaults.includes(option.scope) ? '[x]' : '[ ]'} ${option.scope}  (from ${option.sources.join(', ')})`),
		`  Default: ${scopes.reason}.`,
	]);
	return ok ? exitCode.ok : exitCode.failed;
}
