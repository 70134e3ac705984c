import {type PendingAuthorization, carriesState, prepareAuthorization, validateCallback} from './authorize.js';
import type {CallbackServer} from './callback-server.js';
import type {ClientCredentials} from './client.js';
import {WizardError} from './errors.js';
import type {AuthorizationServerMetadata} from './metadata.js';

/** One browser login under way: the URL to open, and the callback it ends with. */
export type AuthorizationSession = {
	readonly pending: PendingAuthorization;
	/** The checked callback parameters, from the loopback listener or a pasted URL; rejects on timeout, abort or an error answer. */
	readonly callback: Promise<URLSearchParams>;
	/**
	 * The URL the browser was redirected to, pasted by the user where the loopback callback cannot arrive
	 * (a browser on another machine). Throws a WizardError for a URL that is not this login's callback,
	 * and the session goes on waiting; an error answer from the server ends the session.
	 */
	paste(url: string): void;
};

export const defaultLoginTimeoutMs = 5 * 60 * 1000;

export async function beginAuthorization(input: {
	readonly metadata: AuthorizationServerMetadata;
	readonly client: ClientCredentials;
	readonly callbackServer: CallbackServer;
	readonly scopes: readonly string[];
	/** Undefined for an OpenID login at an identity provider (no MCP server, no RFC 8707 resource). */
	readonly resource?: string;
	readonly timeoutMs?: number;
	readonly signal?: AbortSignal;
	/** Named on the browser's success page. */
	readonly serverLabel?: string;
	/** A request to the callback without this login's state was refused; the wait goes on. */
	readonly onStray?: (message: string) => void;
}): Promise<AuthorizationSession> {
	const {metadata, client, callbackServer} = input;
	const pending = await prepareAuthorization({metadata, client, redirectUri: callbackServer.redirectUri, scopes: input.scopes, resource: input.resource});
	const check = (callbackUrl: URL) => validateCallback({metadata, client, pending, callbackUrl});

	let resolvePasted: (parameters: URLSearchParams) => void = () => undefined;
	let rejectPasted: (error: unknown) => void = () => undefined;
	const pasted = new Promise<URLSearchParams>((resolve, reject) => {
		resolvePasted = resolve;
		rejectPasted = reject;
	});

	const loopback = callbackServer
		.waitForCallback({
			timeoutMs: input.timeoutMs ?? defaultLoginTimeoutMs,
			signal: input.signal,
			serverLabel: input.serverLabel,
			validate(url) {
				try {
					check(url);
					return {ok: true};
				} catch (error) {
					// Another login's answer (or none's): refused, and this login goes on waiting (RFC 6749 10.12).
					return {ok: false, message: error instanceof WizardError ? error.message : 'The callback is not valid', stray: !carriesState(pending, url)};
				}
			},
			onStray: input.onStray,
		})
		.then(url => check(url));

	const callback = Promise.race([loopback, pasted]);
	// Whichever source loses is still settled later (the listener closes or times out): nobody waits for it.
	loopback.catch(() => undefined);
	pasted.catch(() => undefined);
	callback.catch(() => undefined);

	return {
		pending,
		callback,
		paste(text) {
			let url: URL;
			try {
				url = new URL(text.trim());
			} catch {
				throw new WizardError('callback', 'That is not a URL', `Paste the whole address your browser was sent to, starting with ${callbackServer.redirectUri}`);
			}

			try {
				resolvePasted(check(url));
			} catch (error) {
				// An error answer of the server ends the login; a URL of another login only this attempt.
				if (error instanceof WizardError && error.step === 'authorization') rejectPasted(error);
				throw error;
			}
		},
	};
}
