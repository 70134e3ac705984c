import {spawn, type ChildProcess} from 'node:child_process';
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

/**
 * Resolves once the child has started, or rejects with its spawn error (ENOENT, EACCES, ...). Whether
 * it started is known from its pid; the 'error' listener also keeps a late failure from crashing us.
 */
function started(child: ChildProcess): Promise<void> {
	return new Promise((resolve, reject) => {
		child.once('error', reject);
		if (child.pid === undefined) return;
		// The browser outlives us; the child is still reaped when it exits (libuv watches SIGCHLD).
		child.unref();
		resolve();
	});
}

function describeSpawnError(error: unknown): string {
	const code = (error as {code?: string}).code;
	return typeof code === 'string' ? code : error instanceof Error ? error.message : String(error);
}

/**
 * Opens the authorization URL. BROWSER, when set, is one executable run with the URL as its only
 * argument, never through a shell: the URL comes from a server and may hold `;`, `$(...)` or quotes.
 * Failing to start a browser is an error with a hint, never a lost URL: the caller prints it anyway.
 */
export async function openBrowser(url: string, options: OpenBrowserOptions = {}): Promise<BrowserLaunch> {
	const target = checkUrl(url);
	if (options.noOpen) return {method: 'none'};

	const env = options.env ?? process.env;
	const command = env['BROWSER']?.trim();
	if (command) {
		try {
			await started(spawn(command, [target], {stdio: 'ignore', detached: true, shell: false, env}));
		} catch (error) {
			throw new WizardError('authorization', `Could not start the browser command "${command}" from BROWSER (${describeSpawnError(error)})`, `Set BROWSER to the path of a browser executable (one command, no arguments), unset it, or use --no-open. ${stillPrinted}.`, undefined, {cause: error});
		}

		return {method: 'BROWSER', command};
	}

	// Loaded only when needed: it probes the platform (WSL, default browser) on import.
	const {default: open} = await import('open');
	try {
		await started(await open(target));
	} catch (error) {
		throw new WizardError('authorization', `Could not open the browser (${describeSpawnError(error)})`, `Set BROWSER to your browser's executable, or use --no-open. ${stillPrinted}.`, undefined, {cause: error});
	}

	return {method: 'open'};
}
