import {readFile} from 'node:fs/promises';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {CallbackTimeoutError, WizardError} from './errors.js';
import {packageRoot} from './package-root.js';
import {startTimer} from './timers.js';

/**
 * What the caller's check of the callback URL decided (e.g. state and iss checked with oauth4webapi).
 * `stray`: not an answer to this login at all (no state, or another login's: an old tab, a stray
 * request), so it is refused and the wait goes on; any other failure ends the login.
 */
export type CallbackVerdict = {ok: true} | {ok: false; message: string; stray?: boolean};

export type WaitForCallbackOptions = {
	/** How long to wait for the browser; default 5 minutes. */
	readonly timeoutMs?: number;
	readonly signal?: AbortSignal;
	/** Decides between the success and the failure page; a throw counts as a failure. */
	readonly validate?: (url: URL) => CallbackVerdict;
	/** How the success page names what the user logged in to, e.g. the MCP server URL. */
	readonly serverLabel?: string;
	/** A stray request to the callback was refused with a 400 page, and the wait goes on; `message` says why. */
	readonly onStray?: (message: string) => void;
};

export type CallbackServer = {
	/** http://127.0.0.1:PORT/callback */
	readonly redirectUri: string;
	/**
	 * Resolves with the full callback URL (with query) of the first request to /callback that is not
	 * stray, after its page was sent. Rejects with WizardError('callback', ...) on timeout (default 5 min)
	 * or abort; the listener is closed in every case.
	 */
	waitForCallback(options?: WaitForCallbackOptions): Promise<URL>;
	close(): Promise<void>;
};

export type CallbackServerOptions = {
	/** 0 (the default) picks a free port. */
	readonly port?: number;
};

export const defaultCallbackTimeoutMs = 5 * 60 * 1000;

const host = '127.0.0.1';
const callbackPath = '/callback';
/** Inserted text is capped: an error_description is the AS's (or an attacker's) words, not ours. */
const maxInsertedLength = 500;

type Templates = {readonly success: string; readonly failure: string};

const fallbackTemplate = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{title}}</title></head><body><h1>{{title}}</h1><p>{{detail}}</p><p>Return to the terminal.</p></body></html>';

async function readTemplate(name: string): Promise<string> {
	try {
		return await readFile(new URL(`assets/${name}`, packageRoot()), 'utf8');
	} catch {
		// A missing page must not cost the login: the terminal has the details either way.
		return fallbackTemplate;
	}
}

export function escapeHtml(text: string): string {
	return text.replaceAll(/["&'<>]/g, character => `&#${character.codePointAt(0)};`);
}

function truncate(text: string): string {
	return text.length > maxInsertedLength ? `${text.slice(0, maxInsertedLength)}…` : text;
}

function render(template: string, values: {title: string; detail: string}): string {
	return template
		.replaceAll('{{title}}', escapeHtml(truncate(values.title)))
		.replaceAll('{{detail}}', escapeHtml(truncate(values.detail)));
}

function pageFor(url: URL, options: WaitForCallbackOptions, templates: Templates): {status: number; html: string; stray?: string} {
	let verdict: CallbackVerdict;
	try {
		verdict = options.validate?.(url) ?? {ok: true};
	} catch (error) {
		verdict = {ok: false, message: error instanceof Error ? error.message : String(error)};
	}

	// The caller's verdict comes first: on an iss mismatch (RFC 9207) the error fields of the response
	// must not be shown, so they are only read once the response passed the check.
	if (!verdict.ok && verdict.stray) {
		return {status: 400, html: render(templates.failure, {title: 'Not this login', detail: `${verdict.message}. This page is not the answer to the login that is waiting (an old tab?); that login goes on waiting in the terminal.`}), stray: verdict.message};
	}

	if (!verdict.ok) {
		return {status: 400, html: render(templates.failure, {title: 'Login failed', detail: verdict.message})};
	}

	const error = url.searchParams.get('error');
	if (error !== null) {
		const description = url.searchParams.get('error_description');
		const detail = description ? `${error}: ${description}` : error;
		return {status: 400, html: render(templates.failure, {title: 'Login failed', detail})};
	}

	const detail = options.serverLabel ? `You are logged in to ${options.serverLabel}.` : 'You are logged in.';
	return {status: 200, html: render(templates.success, {title: 'Logged in', detail})};
}

const pageHeaders = {
	'content-type': 'text/html; charset=utf-8',
	'cache-control': 'no-store',
	// The callback URL carries the authorization code: nothing on the page may leak it onwards.
	'referrer-policy': 'no-referrer',
	'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
	'x-content-type-options': 'nosniff',
	connection: 'close',
};

function listen(server: http.Server, port: number): Promise<number> {
	return new Promise((resolve, reject) => {
		const onError = (error: NodeJS.ErrnoException) => {
			server.off('listening', onListening);
			if (error.code === 'EADDRINUSE') {
				reject(new WizardError('callback', `Port ${port} on ${host} is in use`, 'Choose another port with --callback-port, or stop the program that is using it.', undefined, {cause: error}));
			} else if (error.code === 'EACCES') {
				reject(new WizardError('callback', `Not allowed to listen on port ${port} on ${host}`, 'Choose a port above 1023 with --callback-port, or leave it out to use a free one.', undefined, {cause: error}));
			} else {
				reject(new WizardError('callback', `Cannot listen on ${host}:${port}: ${error.message}`, 'Choose another port with --callback-port, or leave it out to use a free one.', undefined, {cause: error}));
			}
		};

		const onListening = () => {
			server.off('error', onError);
			resolve((server.address() as AddressInfo).port);
		};

		server.once('error', onError);
		server.once('listening', onListening);
		server.listen({host, port, exclusive: true});
	});
}

/**
 * The loopback listener for the OAuth redirect (RFC 8252 section 7.3): bound to 127.0.0.1 only (not
 * "localhost", which may resolve to ::1 or be redefined), on a port of the caller's choice or a free one.
 */
export async function startCallbackServer(options: CallbackServerOptions = {}): Promise<CallbackServer> {
	const requestedPort = options.port ?? 0;
	if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65_535) {
		throw new WizardError('callback', `${requestedPort} is not a port number`, 'Pass a port between 1024 and 65535 with --callback-port, or leave it out to use a free one.');
	}

	const [success, failure] = await Promise.all([readTemplate('callback-success.html'), readTemplate('callback-failure.html')]);
	const templates: Templates = {success, failure};

	/** The first request to /callback, held until a waiter decides its page. */
	let captured: {url: URL; response: http.ServerResponse} | undefined;
	let deliver: ((captured: {url: URL; response: http.ServerResponse}) => void) | undefined;
	let waiting = false;
	let closing: Promise<void> | undefined;
	/** Ends a wait under way when the listener is closed first. */
	let abandonWait: (() => void) | undefined;
	let port = requestedPort;

	const server = http.createServer((request, response) => {
		// Only origin-form targets ("/callback?..."): an absolute or "//host" target would otherwise make a
		// callback URL that names another origin.
		const target = request.url ?? '';
		if (!target.startsWith('/')) {
			response.writeHead(400, {'content-type': 'text/plain; charset=utf-8'});
			response.end('Bad request.\n');
			return;
		}

		const url = new URL(`http://${host}:${port}${target}`);
		if (url.pathname !== callbackPath) {
			response.writeHead(404, {'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store'});
			response.end('Not found. mcp-auth-wizard only listens for the login callback here.\n');
			return;
		}

		if (request.method !== 'GET') {
			response.writeHead(405, {allow: 'GET', 'content-type': 'text/plain; charset=utf-8'});
			response.end('Method not allowed.\n');
			return;
		}

		if (captured) {
			// Only the first callback counts (a reload, or a second tab): the code is single-use anyway.
			response.writeHead(409, {...pageHeaders, 'content-type': 'text/plain; charset=utf-8'});
			response.end('This login callback was already received. Return to the terminal.\n');
			return;
		}

		captured = {url, response};
		deliver?.(captured);
	});

	port = await listen(server, requestedPort);

	function close(): Promise<void> {
		// A wait still under way (the login ended another way: a pasted address) ends with the listener,
		// its timer with it, so that nothing keeps the process alive.
		abandonWait?.();
		closing ??= new Promise(resolve => {
			if (captured && !captured.response.headersSent) {
				// A callback that came in while nobody waited for it: the terminal has moved on.
				captured.response.writeHead(503, {...pageHeaders, 'content-type': 'text/plain; charset=utf-8'});
				captured.response.end('mcp-auth-wizard stopped waiting for this login. Return to the terminal.\n');
			}

			server.close(() => {
				resolve();
			});
			// Browsers keep connections open; once close() resolves nothing may be left listening or
			// connected. A page still being sent is left to finish (it is sent with Connection: close).
			if (!captured || captured.response.writableFinished) server.closeAllConnections();
			else server.closeIdleConnections();
		});
		return closing;
	}

	function waitForCallback(waitOptions: WaitForCallbackOptions = {}): Promise<URL> {
		if (waiting) return Promise.reject(new Error('waitForCallback() may only be called once'));
		waiting = true;
		if (closing) {
			return Promise.reject(new WizardError('callback', 'The callback listener is already closed', 'Run the login again.'));
		}

		const timeoutMs = waitOptions.timeoutMs ?? defaultCallbackTimeoutMs;
		const {signal} = waitOptions;

		return new Promise<URL>((resolve, reject) => {
			let settled = false;
			/** Why each stray request was refused, oldest first. */
			const strays: string[] = [];
			let stopTimer = () => {};

			const cleanUp = () => {
				settled = true;
				abandonWait = undefined;
				stopTimer();
				signal?.removeEventListener('abort', onAbort);
				deliver = undefined;
			};

			const fail = (error: WizardError) => {
				if (settled) return;
				cleanUp();
				void close().then(() => {
					reject(error);
				});
			};

			abandonWait = () => {
				fail(new WizardError('callback', 'The callback listener was closed', 'Run the login again.'));
			};

			function onAbort() {
				fail(new WizardError('callback', 'Stopped waiting for the browser', 'The login was cancelled; run it again when ready.', undefined, {cause: signal?.reason}));
			}

			const answer = ({url, response}: {url: URL; response: http.ServerResponse}) => {
				if (settled) return;
				const page = pageFor(url, waitOptions, templates);
				if (page.stray !== undefined) {
					// Refused, and the wait goes on: a stray request must not cost the real redirect that follows.
					captured = undefined;
					strays.push(page.stray);
					response.writeHead(page.status, pageHeaders);
					response.end(page.html);
					waitOptions.onStray?.(page.stray);
					return;
				}

				cleanUp();
				response.once('close', () => {
					void close().then(() => {
						resolve(url);
					});
				});
				response.writeHead(page.status, pageHeaders);
				response.end(page.html);
			};

			if (signal?.aborted) {
				onAbort();
				return;
			}

			signal?.addEventListener('abort', onAbort, {once: true});
			stopTimer = startTimer(() => {
				const minutes = timeoutMs / 60_000;
				const span = minutes >= 1 && Number.isInteger(minutes) ? `${minutes} minute${minutes === 1 ? '' : 's'}` : `${Math.round(timeoutMs / 1000)} s`;
				const refused = strays.length === 0 ? '' : ` (${strays.length === 1 ? 'one request to it was' : `${strays.length} requests to it were`} refused as not this login's: ${strays.at(-1)!})`;
				fail(new CallbackTimeoutError('callback', `No login callback from the browser within ${span}${refused}`, `Run the login again and finish it in the browser. A browser on another machine cannot reach ${host}:${port}: paste the address it ends on back into this terminal (in the wizard, p).`));
			}, timeoutMs);

			deliver = answer;
			if (captured) answer(captured);
		});
	}

	return {
		redirectUri: `http://${host}:${port}${callbackPath}`,
		waitForCallback,
		close,
	};
}
