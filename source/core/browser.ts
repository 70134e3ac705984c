import {spawn, type ChildProcess} from 'node:child_process';
import {delimiter} from 'node:path';
import {WizardError} from './errors.js';

/** How the authorization URL was handed to a browser: the `open` package, the BROWSER command, or not at all. */
export type BrowserLaunch = {readonly method: 'open' | 'BROWSER' | 'none'; readonly command?: string};

export type OpenBrowserOptions = {
	/** --no-open: only print the URL. */
	readonly noOpen?: boolean;
	/** Where BROWSER is read from; defaults to process.env. */
	readonly env?: NodeJS.ProcessEnv;
};

const stillPrinted = 'The URL is printed in the terminal: open it yourself';

/** Only http: and https: URLs ever reach a browser (a file: or javascript: URL from metadata must not). */
function checkUrl(url: string): string {
	let parsed: URL;
	try {
		parsed = new URL(url);
	} catch {
		throw new WizardError('authorization', 'The authorization URL is not a valid URL', 'Check the authorization_endpoint in the authorization server metadata.');
	}

	if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
		throw new WizardError('authorization', `Refusing to open a ${parsed.protocol} URL in the browser`, 'Only http: and https: URLs are opened; check the authorization_endpoint in the authorization server metadata.');
	}

	return parsed.href;
}

/** How long an opener may run before it counts as a browser that started: xdg-open and `open` exit at once, a browser run directly stays. */
export const openerGraceMs = 3000;

/** What xdg-open's exit codes mean (its manual page). */
const xdgOpenExits: Record<number, string> = {1: 'a syntax error', 2: 'a file that does not exist', 3: 'no method available: no browser is set up', 4: 'the action failed'};

/**
 * What became of a started opener: it failed to start (ENOENT, EACCES, ...), exited with a failure
 * within the grace time (xdg-open's 3: no browser), or exited 0 or is still running (a browser).
 */
function outcome(child: ChildProcess): Promise<string | undefined> {
	return new Promise<string | undefined>(resolve => {
		// Both keep the process alive while the opener is watched (the login may have nothing else yet).
		const timer = setTimeout(() => resolve(undefined), openerGraceMs);
		child.once('error', error => {
			clearTimeout(timer);
			resolve(describeSpawnError(error));
		});
		child.once('exit', (code, signal) => {
			clearTimeout(timer);
			if (code === 0) resolve(undefined);
			else resolve(code === null ? `ended by ${signal ?? 'a signal'}` : `exited with ${code}${xdgOpenExits[code] && /xdg-open/.test(child.spawnfile) ? `: ${xdgOpenExits[code]}` : ''}`);
		});
	}).finally(() => {
		// A browser that is still running outlives us.
		if (child.pid !== undefined) child.unref();
	});
}

function describeSpawnError(error: unknown): string {
	const code = (error as {code?: string}).code;
	return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}

/**
 * The commands of BROWSER, tried in turn (the convention: a list separated like PATH, each entry a
 * command and its words, with %s replaced by the URL, or the URL added as the last word). Words are
 * split at spaces, and quotes keep one together; no shell ever runs them: the URL comes from a server
 * and may hold `;`, `$(...)` or quotes.
 */
function browserCommands(value: string, url: string): Array<{readonly file: string; readonly args: readonly string[]}> {
	return value
		.split(delimiter)
		.map(entry => words(entry))
		.filter(entry => entry.length > 0)
		.map(([file, ...args]) => ({file: file!, args: args.some(arg => arg.includes('%s')) ? args.map(arg => arg.replaceAll('%s', url)) : [...args, url]}));
}

/** An entry's words: split at whitespace outside quotes, quotes removed. */
function words(entry: string): string[] {
	return [...entry.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map(match => match[1] ?? match[2] ?? match[3] ?? '');
}

/**
 * Opens the authorization URL and says how: BROWSER's commands in turn, else the system's opener (the
 * `open` package: xdg-open, open, start). An opener that exits with a failure (xdg-open's 3 where no
 * browser is set up) is a failure, not "opened". A failure is an error with a hint, never a lost URL:
 * the caller shows it anyway.
 */
export async function openBrowser(url: string, options: OpenBrowserOptions = {}): Promise<BrowserLaunch> {
	const target = checkUrl(url);
	if (options.noOpen) return {method: 'none'};

	const env = options.env ?? process.env;
	const browser = env['BROWSER']?.trim();
	if (browser) {
		const failures: string[] = [];
		for (const {file, args} of browserCommands(browser, target)) {
			const failure = await outcome(spawn(file, args, {stdio: 'ignore', detached: true, shell: false, env}));
			if (failure === undefined) return {method: 'BROWSER', command: file};
			failures.push(`"${file}": ${failure}`);
		}

		throw new WizardError('authorization', `Could not open a browser with BROWSER (${failures.join('; ') || 'no command in it'})`, `Set BROWSER to a browser command (a list separated by "${delimiter}", %s for the URL), unset it, or use --no-open. ${stillPrinted}.`);
	}

	// Loaded only when needed: it probes the platform (WSL, default browser) on import.
	const {default: open} = await import('open');
	let failure: string | undefined;
	try {
		failure = await outcome(await open(target));
	} catch (error) {
		failure = describeSpawnError(error);
	}

	if (failure !== undefined) throw new WizardError('authorization', `Could not open a browser (the system's opener ${failure})`, `No browser here? ${stillPrinted} on any device, then paste back the address it ends on. Or set BROWSER to your browser's command.`);
	return {method: 'open'};
}
