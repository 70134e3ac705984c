import {UsageError} from '../core/errors.js';
import type {HttpClient} from '../core/http.js';
import {loginsOf} from '../store/saved-server.js';
import type {SavedServer, ServerStore} from '../store/types.js';
import type {Output} from './output.js';

/** Everything a subcommand gets from cli.ts: the only place that touches `process`. */
export type CommandContext = {
	readonly output: Output;
	readonly http: HttpClient;
	readonly env: NodeJS.ProcessEnv;
	readonly signal: AbortSignal;
	readonly openStore: () => Promise<ServerStore>;
	/** Asks a yes/no question in the terminal; undefined without one (then --yes must say it). */
	readonly ask?: (question: string) => Promise<boolean>;
	/** --yes: destructive changes need no question. */
	readonly yes?: boolean;
	/**
	 * Reads lines typed in the terminal while something else goes on (the login's paste-back), until
	 * the returned function is called; undefined without a terminal.
	 */
	readonly readLines?: (onLine: (line: string) => void) => () => void;
};

/**
 * Destructive changes say what will be lost, then ask; without a terminal they need --yes (a script
 * must say so: a prompt there would hang).
 */
export async function confirmChange(context: CommandContext, question: string, details: readonly string[]): Promise<void> {
	// With --yes nothing is asked: what is lost is still said, the question is not.
	for (const line of context.yes ? details : [question, ...details]) context.output.note(line);
	if (context.yes) return;
	if (!context.ask) throw new UsageError(`${question} Pass --yes to confirm`, 'Nothing was changed. Add --yes to do it without a question (no terminal to ask in).');
	if (!(await context.ask('Proceed? [y/N] '))) throw new UsageError('Cancelled: nothing was changed', 'Run it again and answer y to go ahead.');
}

/** A saved server by name or URL, or a usage error that lists what is saved. */
export function requireServer(store: ServerStore, nameOrUrl: string | undefined, command: string): SavedServer {
	if (nameOrUrl === undefined) {
		throw new UsageError(`${command} needs a saved server`, `mcp-auth-wizard ${command} <name or URL>; see saved servers with \`mcp-auth-wizard list\`.`);
	}

	const server = store.find(nameOrUrl);
	if (!server) {
		const logins = URL.canParse(nameOrUrl) ? loginsOf(store, nameOrUrl) : [];
		if (logins.length > 1) throw new UsageError(`${nameOrUrl} has ${logins.length} saved logins: ${logins.map(login => login.name).join(', ')}`, `Name the one you mean: mcp-auth-wizard ${command} <name>.`);
		const names = store.list().map(saved => saved.name);
		throw new UsageError(`No saved server "${nameOrUrl}"`, names.length > 0 ? `Saved servers: ${names.join(', ')}.` : 'Nothing is saved yet: log in first with `mcp-auth-wizard login <url>`.');
	}

	return server;
}
