import type {Response as GotResponse} from 'got';
import {WizardError, isAbortError, type FailedStep} from './errors.js';
import {redactBody, redactHeaders, redactUrl} from './redact.js';

/** Timing phases of one exchange, in milliseconds (got's http-timer phases). */
export type ExchangeTimings = {
	readonly dns?: number;
	readonly tcp?: number;
	readonly tls?: number;
	readonly firstByte?: number;
	readonly download?: number;
	readonly total: number;
};

/** One request and its answer as the trace keeps it: secrets are already redacted. */
export type Exchange = {
	readonly id: number;
	readonly step: FailedStep | undefined;
	readonly method: string;
	readonly url: string;
	readonly startedAt: string;
	readonly status?: number;
	readonly error?: string;
	readonly timings: ExchangeTimings;
	readonly request: {readonly headers: Record<string, string>; readonly body?: string};
	readonly response?: {readonly headers: Record<string, string>; readonly body: string};
};

export type HttpRequest = {
	readonly url: string;
	readonly method?: string;
	readonly headers?: Record<string, string>;
	readonly body?: string;
	/** The login step this request belongs to; errors carry it. */
	readonly step?: FailedStep;
	/** Size cap on the response body; larger answers fail. */
	readonly maxBytes?: number;
	readonly followRedirects?: boolean;
	readonly timeoutMs?: number;
	readonly signal?: AbortSignal;
};

export type HttpResponse = {
	/** The URL that answered, after redirects. */
	readonly url: string;
	readonly status: number;
	readonly headers: Record<string, string>;
	readonly body: string;
	readonly ms: number;
	readonly exchange: Exchange;
};

/** The fetch signature oauth4webapi's customFetch and the MCP client's `fetch` option expect. */
export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

export type HttpClient = {
	request(request: HttpRequest): Promise<HttpResponse>;
	/** A fetch that goes through request(): same timeouts, size cap and trace. */
	readonly fetch: FetchLike;
	/**
	 * A fetch for MCP messages, which are not metadata: the body streams as it comes (an event stream
	 * may last as long as the session), with no size cap and no limit on its length; the connect and
	 * first-byte timeouts and the trace (headers, the request's body; secrets masked) hold as for fetch.
	 */
	readonly streamingFetch: FetchLike;
	/** Every exchange so far, oldest first; a new array after each exchange (a snapshot for React). */
	readonly exchanges: readonly Exchange[];
	/** Calls `listener` after each exchange; returns the unsubscribe function. */
	subscribe(listener: () => void): () => void;
};

export type HttpClientOptions = {
	readonly connectTimeoutMs?: number;
	readonly timeoutMs?: number;
	/** Default size cap on bodies. */
	readonly maxBytes?: number;
	readonly userAgent?: string;
};

export const metadataMaxBytes = 1024 * 1024;

/** What a request gets without options: the CLI and the wizard pass undefined for a flag not given. */
export const httpDefaults = {connectTimeoutMs: 10_000, timeoutMs: 30_000, maxBytes: metadataMaxBytes} as const;

/** Statuses whose Response may not have a body (Fetch standard "null body status"). */
const nullBodyStatuses = new Set([101, 103, 204, 205, 304]);

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
	const flat: Record<string, string> = {};
	for (const [name, value] of Object.entries(headers)) {
		if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
	}

	return flat;
}

function phases(response: GotResponse | undefined, fallbackMs: number): ExchangeTimings {
	const p = response?.timings.phases;
	if (!p) return {total: fallbackMs};
	return {dns: p.dns, tcp: p.tcp, tls: p.tls, firstByte: p.firstByte, download: p.download, total: p.total ?? fallbackMs};
}

function describeNetworkError(error: unknown, url: string, timeoutMs: number, maxBytes: number, {RequestError}: typeof import('got')): {message: string; hint: string} {
	const {host} = new URL(url);
	const code = (error as {code?: string}).code;
	// got keeps the response on its errors once the status line and headers have arrived.
	const answered = error instanceof RequestError && error.response !== undefined;
	switch (code) {
		case 'ECONNREFUSED': {
			return {message: `Connection to ${host} refused`, hint: 'Nothing is listening there: check the URL and that the server is running.'};
		}

		case 'ENOTFOUND':
		case 'EAI_AGAIN': {
			return {message: `Host ${host} not found (DNS)`, hint: 'Check the host name for typos and your network connection.'};
		}

		case 'ETIMEDOUT': {
			const seconds = Math.round(timeoutMs / 100) / 10;
			// Headers came, the body did not: the server is up but stuck, which a retry rarely fixes.
			if (answered) return {message: `${host} started to answer, then stalled: the answer was not complete within ${seconds} s`, hint: 'The server or a proxy in between is stuck; try again later, and tell the server operator if it repeats.'};
			return {message: `${host} did not answer within ${seconds} s`, hint: 'The server is slow or unreachable; try again, or raise --http-timeout (e.g. --http-timeout 2m).'};
		}

		case 'ECONNRESET': {
			return {message: `${host} closed the connection ${answered ? 'in the middle of its answer' : 'before answering'}`, hint: 'Try again; if it repeats, the server or a proxy in between is failing.'};
		}

		case 'ERR_UNSUPPORTED_PROTOCOL': {
			// got refuses to follow a redirect to anything but http(s); say where it pointed.
			const location = (error as {response?: {headers?: Record<string, unknown>}}).response?.headers?.['location'];
			return {message: `${url} redirects to ${typeof location === 'string' ? redactUrl(location) : 'a URL'} that is not http(s)`, hint: 'No client may follow such a redirect: check the URL, or report it to the server operator.'};
		}

		case 'ERR_BODY_TOO_LARGE': {
			return {message: `The answer from ${host} is larger than ${Math.round(maxBytes / 1024)} KiB`, hint: 'This URL does not serve the small JSON document expected here: check it.'};
		}

		case 'ERR_TOO_MANY_REDIRECTS': {
			return {message: `${url} redirects too many times`, hint: 'The server redirects in a loop: check the URL or report it to the server operator.'};
		}

		default: {
			if (typeof code === 'string' && (code.startsWith('ERR_TLS') || code.includes('CERT') || code.startsWith('DEPTH_ZERO'))) {
				return {message: `TLS failure talking to ${host} (${code})`, hint: 'The server certificate is not trusted here; check the URL, or NODE_EXTRA_CA_CERTS for a private CA.'};
			}

			const text = error instanceof Error ? error.message : String(error);
			return {message: `Request to ${host} failed: ${text}`, hint: 'Check the URL and your network connection, then try again.'};
		}
	}
}

/**
 * A signal of one request's own that follows `outer`: got keeps the listener it adds to the signal it
 * is given, which on a signal as long-lived as a proxy's session piles up one per request (and the
 * request with it). `release` takes ours off `outer` when the request is done.
 */
function requestSignal(outer: AbortSignal | undefined): {readonly signal: AbortSignal | undefined; release(): void} {
	if (!outer) return {signal: undefined, release() {}};
	const controller = new AbortController();
	const onAbort = () => controller.abort(outer.reason);
	if (outer.aborted) onAbort();
	else outer.addEventListener('abort', onAbort, {once: true});
	return {signal: controller.signal, release: () => outer.removeEventListener('abort', onAbort)};
}

function headersToRecord(headers: RequestInit['headers']): Record<string, string> {
	return Object.fromEntries(new Headers(headers ?? {}).entries());
}

function bodyToString(body: RequestInit['body']): string | undefined {
	if (body === undefined || body === null) return undefined;
	if (typeof body === 'string') return body;
	if (body instanceof URLSearchParams) return body.toString();
	throw new TypeError('Only string and URLSearchParams bodies are supported');
}

/** How many exchanges a client keeps (a login makes a few dozen); their ids go on counting. */
export const keptExchanges = 500;

/**
 * The one HTTP layer: every request of the core (and of oauth4webapi and the MCP client, through
 * `fetch`) goes through here, so that timeouts, the size cap and the trace hold for all of them.
 * POSTs are never retried (they may have side effects, e.g. a second client registration).
 */
export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
	// Field by field: `{...httpDefaults, ...options}` would let an explicit undefined (no --http-timeout)
	// erase a default, and a request would then wait forever.
	const settings = {
		connectTimeoutMs: options.connectTimeoutMs ?? httpDefaults.connectTimeoutMs,
		timeoutMs: options.timeoutMs ?? httpDefaults.timeoutMs,
		maxBytes: options.maxBytes ?? httpDefaults.maxBytes,
		userAgent: options.userAgent,
	};
	let exchanges: readonly Exchange[] = [];
	const listeners = new Set<() => void>();
	let nextId = 1;

	function record(exchange: Exchange): Exchange {
		// The newest only: a proxy makes an exchange per MCP message, for as long as its client runs.
		exchanges = [...exchanges.slice(1 - keptExchanges), exchange];
		for (const listener of listeners) listener();
		return exchange;
	}

	/** Agents that never reuse a connection, for the one request sent again (see staleConnection). */
	let freshAgents: Promise<{http: import('node:http').Agent; https: import('node:https').Agent}> | undefined;
	const fresh = async () => {
		freshAgents ??= Promise.all([import('node:http'), import('node:https')]).then(([http, https]) => ({http: new http.Agent({keepAlive: false}), https: new https.Agent({keepAlive: false})}));
		return freshAgents;
	};

	async function request(input: HttpRequest, onFreshConnection = false): Promise<HttpResponse> {
		// got is loaded by the first request, not at start: `list`, `status` and the wizard's first frame
		// need none (the readme's Performance section).
		const gotModule = await import('got');
		const {default: got, RequestError} = gotModule;
		const method = (input.method ?? 'GET').toUpperCase();
		const maxBytes = input.maxBytes ?? settings.maxBytes;
		const timeoutMs = input.timeoutMs ?? settings.timeoutMs;
		const headers: Record<string, string> = {'user-agent': settings.userAgent ?? 'mcp-auth-wizard', ...input.headers};
		const startedAt = new Date();
		const started = performance.now();
		const base = {
			id: nextId++,
			step: input.step,
			method,
			url: redactUrl(input.url),
			startedAt: startedAt.toISOString(),
			request: {headers: redactHeaders(headers), body: input.body === undefined ? undefined : redactBody(input.body)},
		};

		const linked = requestSignal(input.signal);
		const pending = got(input.url, {
			method: method as 'GET',
			headers,
			body: input.body,
			throwHttpErrors: false,
			followRedirect: input.followRedirects ?? method === 'GET',
			maxRedirects: 10,
			retry: {limit: 0},
			timeout: {connect: settings.connectTimeoutMs, request: timeoutMs},
			signal: linked.signal,
			responseType: 'text',
			decompress: true,
			...(onFreshConnection ? {agent: await fresh()} : {}),
		});
		let tooLarge = false;
		pending.on('downloadProgress', progress => {
			if (progress.transferred > maxBytes || (progress.total !== undefined && progress.total > maxBytes)) {
				tooLarge = true;
				pending.cancel();
			}
		});

		// The body is read whole here: the request is done when this settles.
		void pending.finally(() => linked.release()).catch(() => undefined);
		try {
			const response = await pending;
			const responseHeaders = flattenHeaders(response.headers);
			const ms = Math.round(performance.now() - started);
			const exchange = record({
				...base,
				status: response.statusCode,
				timings: phases(response, ms),
				response: {headers: redactHeaders(responseHeaders), body: redactBody(response.body)},
			});
			return {url: response.url, status: response.statusCode, headers: responseHeaders, body: response.body, ms, exchange};
		} catch (error) {
			const ms = Math.round(performance.now() - started);
			if (input.signal?.aborted || (isAbortError(error) && !tooLarge)) {
				record({...base, error: 'aborted', timings: {total: ms}});
				throw input.signal?.reason ?? error;
			}

			const code = tooLarge ? 'ERR_BODY_TOO_LARGE' : (error as {code?: string}).code;
			// A kept-alive connection the server closed just as it was reused: the request never reached a
			// live connection, so it is sent once more on a new one, as Node's docs and browsers do (RFC 9112
			// 9.3.1.1: the original request was never applied). Any other failure is final, a POST's included.
			if (!onFreshConnection && code === 'ECONNRESET' && error instanceof RequestError && error.request?.reusedSocket === true && error.response === undefined) {
				record({...base, error: 'the server had closed the kept-alive connection; sent again on a new one', timings: {total: ms}});
				return request(input, true);
			}

			const described = describeNetworkError(tooLarge ? {code} : error, input.url, timeoutMs, maxBytes, gotModule);
			const gotResponse = error instanceof RequestError ? error.response : undefined;
			record({...base, error: described.message, timings: phases(gotResponse, ms)});
			throw new WizardError(input.step ?? 'network', described.message, described.hint, undefined, {cause: error});
		}
	}

	const fetchThroughClient: FetchLike = async (url, init = {}) => {
		const response = await request({
			url: url.toString(),
			method: init.method,
			headers: headersToRecord(init.headers),
			body: bodyToString(init.body),
			signal: init.signal ?? undefined,
			// Both oauth4webapi and the MCP client ask for redirect: 'manual' where it matters (RFC 9700 4.11).
			followRedirects: init.redirect === undefined ? undefined : init.redirect === 'follow',
		});
		return new Response(nullBodyStatuses.has(response.status) ? null : response.body, {
			status: response.status,
			headers: response.headers,
		});
	};

	const streamingFetch: FetchLike = async (url, init = {}) => {
		const gotModule = await import('got');
		const {default: got} = gotModule;
		const href = url.toString();
		const method = (init.method ?? 'GET').toUpperCase();
		const headers: Record<string, string> = {'user-agent': settings.userAgent ?? 'mcp-auth-wizard', ...headersToRecord(init.headers)};
		const body = bodyToString(init.body);
		const started = performance.now();
		const base = {
			id: nextId++,
			step: undefined,
			method,
			url: redactUrl(href),
			startedAt: new Date().toISOString(),
			request: {headers: redactHeaders(headers), body: body === undefined ? undefined : redactBody(body)},
		};
		const linked = requestSignal(init.signal ?? undefined);
		const stream = got.stream(href, {
			method: method as 'GET',
			headers,
			body,
			throwHttpErrors: false,
			// As fetch with redirect: 'manual' where the MCP client asks for it (RFC 9700 4.11).
			followRedirect: init.redirect === undefined ? method === 'GET' : init.redirect === 'follow',
			retry: {limit: 0},
			timeout: {connect: settings.connectTimeoutMs, response: settings.timeoutMs},
			signal: linked.signal,
			decompress: true,
		});
		// Done when the body has been read, or the stream has failed or been cancelled (got's stream does
		// not always say `close` after its end).
		for (const event of ['end', 'error', 'close']) stream.once(event, () => linked.release());
		// A got stream of a method that may carry a body waits for the caller to end it: a DELETE has none.
		if (body === undefined && method !== 'GET' && method !== 'HEAD') stream.end();
		try {
			const answer = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
				stream.once('response', resolve);
				stream.once('error', reject);
			});
			stream.removeAllListeners('error');
			// The body is the caller's to read; an error while it streams ends that stream.
			stream.on('error', () => {});
			const responseHeaders = flattenHeaders(answer.headers);
			const status = answer.statusCode ?? 0;
			record({...base, status, timings: {total: Math.round(performance.now() - started)}, response: {headers: redactHeaders(responseHeaders), body: '(streamed, not kept)'}});
			if (nullBodyStatuses.has(status)) stream.destroy();
			const {Readable} = await import('node:stream');
			return new Response(nullBodyStatuses.has(status) ? null : (Readable.toWeb(stream) as ReadableStream<Uint8Array>), {status, headers: responseHeaders});
		} catch (error) {
			const ms = Math.round(performance.now() - started);
			if (init.signal?.aborted || isAbortError(error)) {
				record({...base, error: 'aborted', timings: {total: ms}});
				throw init.signal?.reason ?? error;
			}

			const described = describeNetworkError(error, href, settings.timeoutMs, Number.POSITIVE_INFINITY, gotModule);
			record({...base, error: described.message, timings: {total: ms}});
			throw new WizardError('network', described.message, described.hint, undefined, {cause: error});
		}
	};

	return {
		request,
		fetch: fetchThroughClient,
		streamingFetch,
		get exchanges() {
			return exchanges;
		},
		subscribe(listener) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
	};
}

/** Parses a JSON object body, or explains in one line what came instead. */
export function parseJsonObject(response: HttpResponse): {ok: true; value: Record<string, unknown>} | {ok: false; problem: string} {
	const type = response.headers['content-type'] ?? '';
	let value: unknown;
	try {
		value = JSON.parse(response.body);
	} catch {
		const looksHtml = /^\s*</.test(response.body) || type.includes('html');
		return {ok: false, problem: looksHtml ? 'the answer is an HTML page, not JSON' : 'the answer is not valid JSON'};
	}

	if (value === null || typeof value !== 'object' || Array.isArray(value)) {
		return {ok: false, problem: 'the answer is JSON but not an object'};
	}

	return {ok: true, value: value as Record<string, unknown>};
}
