import * as oauth from 'oauth4webapi';
import {clientAuthentication, oauthRequestOptions, toAuthorizationServer, toClient} from './client.js';
import {WizardError} from './errors.js';
import type {AuthorizationServerMetadata} from './metadata.js';
import {scopeParameter} from './scopes.js';
import {formatDuration} from './text.js';
import {startTimer} from './timers.js';
import {type GrantInput, type TokenSet, tokenRequest, toTokenSet} from './tokens.js';

/* The device authorization grant (RFC 8628): a login finished on any other device, for machines without a browser. */

/** RFC 8628 3.4: the grant type of the token requests, and of a client that may make them. */
export const deviceCodeGrant = 'urn:ietf:params:oauth:grant-type:device_code';

/** Whether the authorization server offers the grant: an endpoint (RFC 8628 4), and the grant where it lists grants. */
export function supportsDeviceLogin(metadata: AuthorizationServerMetadata): boolean {
	const grants = metadata.grant_types_supported;
	return typeof metadata.device_authorization_endpoint === 'string' && (grants === undefined || grants.includes(deviceCodeGrant));
}

/** What the user is shown: where to go and the code to enter (RFC 8628 3.3). */
export type DeviceCode = {
	readonly userCode: string;
	readonly verificationUri: string;
	/** The address with the code in it, for a link or a QR code (RFC 8628 3.3.1). */
	readonly verificationUriComplete?: string;
	readonly expiresAt: string;
	/** How long to wait between token requests; a slow_down adds 5 s (RFC 8628 3.5). */
	readonly intervalMs: number;
};

export type DeviceLoginEvent =
	| {readonly type: 'device-code'; readonly code: DeviceCode}
	/** Polling more slowly: the server said slow_down, or could not be reached (RFC 8628 3.5); the new interval. */
	| {readonly type: 'device-slow-down'; readonly intervalMs: number; readonly why: 'slow_down' | 'unreachable'};

export type DeviceLoginInput = GrantInput & {
	/** How long the approval is waited for at most; the code's own expiry ends the wait anyway. */
	readonly timeoutMs?: number;
	readonly onEvent?: (event: DeviceLoginEvent) => void;
	/** Told the code, before the first token request: opens the verification address where it can. */
	readonly onCode?: (code: DeviceCode) => Promise<void> | void;
};

export function noDeviceLogin(metadata: AuthorizationServerMetadata): WizardError {
	return new WizardError(
		'authorization',
		`${metadata.issuer} offers no login on another device (no device_authorization_endpoint${metadata.grant_types_supported?.includes(deviceCodeGrant) === false ? ' usable: the device_code grant is not in grant_types_supported' : ''}; RFC 8628)`,
		'Log in with the browser instead: without --device the login URL is printed to open on any machine, and the address the browser ends on can be pasted back here.',
	);
}

/** Where the user goes: the address with the code in it when the server gives one (RFC 8628 3.3.1). */
export function verificationAddress(code: DeviceCode): string {
	return code.verificationUriComplete ?? code.verificationUri;
}

/** Waits `ms`, or rejects as soon as `signal` aborts. */
async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
	signal?.throwIfAborted();
	await new Promise<void>((resolve, reject) => {
		const onAbort = () => {
			stop();
			reject(signal?.reason);
		};

		const stop = startTimer(() => {
			signal?.removeEventListener('abort', onAbort);
			resolve();
		}, ms);
		signal?.addEventListener('abort', onAbort, {once: true});
	});
}

/**
 * Asks for a device code (RFC 8628 3.1, with the scopes and `resource`), hands it to the user, then
 * asks for the token at the server's interval until the user has approved (3.4, 3.5):
 * authorization_pending waits, slow_down waits 5 s longer from then on, access_denied and
 * expired_token end the login with what to do.
 */
export async function deviceLogin(input: DeviceLoginInput): Promise<TokenSet> {
	const {http, metadata, signal} = input;
	if (!supportsDeviceLogin(metadata)) throw noDeviceLogin(metadata);
	const as = toAuthorizationServer(metadata);
	const client = toClient(input.client);
	const scope = scopeParameter(input.scopes);
	const endpoint = metadata.device_authorization_endpoint as string;
	const answer = await tokenRequest(
		'authorization',
		endpoint,
		async () => {
			const parameters = new URLSearchParams({resource: input.resource, ...(scope === undefined ? {} : {scope})});
			const response = await oauth.deviceAuthorizationRequest(as, client, clientAuthentication(input.client), parameters, oauthRequestOptions(http, endpoint, signal));
			return oauth.processDeviceAuthorizationResponse(as, client, response);
		},
		{endpoint: 'device authorization endpoint', response: 'device authorization response', spec: 'RFC 8628 3.2'},
	);
	const code: DeviceCode = {
		userCode: answer.user_code,
		verificationUri: answer.verification_uri,
		verificationUriComplete: answer.verification_uri_complete,
		expiresAt: new Date(Date.now() + answer.expires_in * 1000).toISOString(),
		// RFC 8628 3.2: 5 seconds when the server names no interval; never under a second, whatever it says.
		intervalMs: Math.max(1, answer.interval ?? 5) * 1000,
	};
	input.onEvent?.({type: 'device-code', code});
	await input.onCode?.(code);

	const expires = Date.parse(code.expiresAt);
	const deadline = input.timeoutMs === undefined ? expires : Math.min(expires, Date.now() + input.timeoutMs);
	let {intervalMs} = code;
	for (;;) {
		const left = deadline - Date.now();
		if (left <= 0) throw deadline === expires ? expiredCode() : new WizardError('authorization', `No approval on the other device within ${formatDuration((input.timeoutMs ?? 0) / 1000)}`, 'Log in again for a new code (--timeout sets how long to wait).');
		await pause(Math.min(intervalMs, left), signal);
		let outcome: Awaited<ReturnType<typeof oauth.processDeviceCodeResponse>> | 'authorization_pending' | 'slow_down';
		try {
			outcome = await tokenRequest('token', metadata.token_endpoint, async () => {
				const polled = await oauth.deviceCodeGrantRequest(as, client, clientAuthentication(input.client), answer.device_code, {
					...oauthRequestOptions(http, metadata.token_endpoint, signal),
					additionalParameters: {resource: input.resource},
				});
				try {
					return await oauth.processDeviceCodeResponse(as, client, polled);
				} catch (error) {
					return notYet(error);
				}
			});
		} catch (error) {
			if (!isUnreachable(error)) throw error;
			// RFC 8628 3.5: a connection timeout is no reason to stop, but to ask less often (exponential backoff).
			intervalMs *= 2;
			input.onEvent?.({type: 'device-slow-down', intervalMs, why: 'unreachable'});
			continue;
		}

		if (outcome === 'authorization_pending') continue;
		if (outcome === 'slow_down') {
			intervalMs += 5000;
			input.onEvent?.({type: 'device-slow-down', intervalMs, why: 'slow_down'});
			continue;
		}

		return toTokenSet(outcome);
	}
}

/** Whether a token request failed before any answer (our HTTP layer's network failure, under tokenRequest's words). */
function isUnreachable(error: unknown): boolean {
	return error instanceof WizardError && error.cause instanceof WizardError && error.cause.step === 'network';
}

const expiredCode = () => new WizardError('authorization', 'The code expired before the login on the other device was approved (expired_token)', 'Log in again for a new code, and enter it within the time shown.');

/** RFC 8628 3.5: the answers that mean "ask again"; the two that end the login, in our words; any other as it is. */
function notYet(error: unknown): 'authorization_pending' | 'slow_down' {
	const code = error instanceof oauth.ResponseBodyError ? error.error : undefined;
	if (code === 'authorization_pending' || code === 'slow_down') return code;
	if (code === 'access_denied') throw new WizardError('authorization', 'The login on the other device was refused (access_denied)', 'Log in again, and approve the request on the page the code was entered on.');
	if (code === 'expired_token') throw expiredCode();
	throw error;
}
