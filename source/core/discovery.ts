import {chooseClientWay} from './client-way.js';
import {WizardError, isAbortError} from './errors.js';
import {parseJsonObject, type HttpClient, type HttpResponse} from './http.js';
import {
	authorizationServerTypeProblems,
	protectedResourceTypeProblems,
	type AuthorizationServerMetadata,
	type ProtectedResourceMetadata,
} from './metadata.js';
import {printableLine} from './text.js';
import {authorizationServerMetadataUrls, canonicalResource, isHttpsOrLoopback, protectedResourceMetadataUrls} from './urls.js';
import {bearerChallenge, type Challenge} from './www-authenticate.js';

/** The MCP protocol version sent on discovery requests (MCP 2025-06-18 and later, Protocol Version Header). */
export const mcpProtocolVersion = '2025-11-25';

export type DiscoveryStage = 'probe' | 'resource-metadata' | 'authorization-server-metadata';

/** One URL tried during discovery and what came of it. */
export type Attempt = {
	readonly stage: DiscoveryStage;
	readonly url: string;
	readonly status?: number;
	readonly ms: number;
	/** used: its answer is the one taken; rejected: answered, but not usable (note says why); not-found: 404 or similar; failed: no answer; cancelled: not needed after all. */
	readonly outcome: 'used' | 'rejected' | 'not-found' | 'failed' | 'cancelled' | 'answered';
	readonly note?: string;
	/** failed: what to try, from the network error. */
	readonly hint?: string;
};

export type DiscoveryEvent =
	| {readonly type: 'attempt-started'; readonly stage: DiscoveryStage; readonly url: string}
	| {readonly type: 'attempt-finished'; readonly attempt: Attempt};

export type Finding = {
	readonly level: 'error' | 'warning';
	readonly code: string;
	readonly message: string;
	readonly hint: string;
};

export type Discovery = {
	readonly mcpUrl: string;
	/** The `resource` to send (RFC 8707): the resource metadata's identifier, else the canonical MCP URL. */
	readonly resource: string;
	readonly probe: {readonly status?: number; readonly wwwAuthenticate?: string; readonly challenge?: Challenge};
	readonly resourceMetadata?: {readonly url: string; readonly document: ProtectedResourceMetadata};
	readonly authorizationServer?: {
		readonly issuer: string;
		/** The metadata URL, or undefined when the legacy default endpoints are used. */
		readonly url?: string;
		readonly metadata: AuthorizationServerMetadata;
	};
	readonly attempts: readonly Attempt[];
	readonly findings: readonly Finding[];
};

export type DiscoverOptions = {
	readonly http: HttpClient;
	readonly signal?: AbortSignal;
	readonly onEvent?: (event: DiscoveryEvent) => void;
	/** The user brought a client id, so a missing registration endpoint is no error. */
	readonly hasClientId?: boolean;
	/** The user brought a Client ID Metadata Document URL: a client id too, where the AS supports them. */
	readonly clientMetadataUrl?: string;
};

type Fetched = {readonly response?: HttpResponse; readonly attempt: Attempt; readonly error?: unknown};

const isNotFound = (status: number) => status === 404 || status === 405 || status === 410;

/**
 * What to try when no candidate was usable: a network failure's own advice, a failing server's (5xx:
 * wait), else `otherwise` (the server serves something, but not the metadata).
 */
function unusableHint(attempts: readonly Attempt[], otherwise: string): string {
	const failed = attempts.find(attempt => attempt.outcome === 'failed' && attempt.hint !== undefined);
	if (failed?.hint !== undefined) return failed.hint;
	const failing = attempts.find(attempt => attempt.status !== undefined && attempt.status >= 500);
	if (failing) return `The server is failing (HTTP ${failing.status}): try again in a while, and tell the server operator if it persists.`;
	return otherwise;
}

/** Runs one discovery request and turns its outcome into an Attempt; only a cancellation is not caught. */
function startAttempt(http: HttpClient, stage: DiscoveryStage, url: string, init: {signal: AbortSignal; onEvent?: DiscoverOptions['onEvent']; method?: string; body?: string; headers?: Record<string, string>}): Promise<Fetched> {
	init.onEvent?.({type: 'attempt-started', stage, url});
	const started = performance.now();
	const finish = (fetched: Fetched): Fetched => {
		init.onEvent?.({type: 'attempt-finished', attempt: fetched.attempt});
		return fetched;
	};

	return http
		.request({
			url,
			method: init.method,
			body: init.body,
			step: stage === 'probe' ? 'probe' : stage,
			signal: init.signal,
			headers: {accept: 'application/json', 'mcp-protocol-version': mcpProtocolVersion, ...init.headers},
		})
		.then(
			response => finish({response, attempt: {stage, url, status: response.status, ms: response.ms, outcome: isNotFound(response.status) ? 'not-found' : 'answered'}}),
			(error: unknown) => {
				const ms = Math.round(performance.now() - started);
				if (init.signal.aborted && isAbortError(error)) return finish({attempt: {stage, url, ms, outcome: 'cancelled', note: 'not needed'}});
				const hint = error instanceof WizardError ? error.hint : undefined;
				return finish({attempt: {stage, url, ms, outcome: 'failed', note: error instanceof Error ? error.message : String(error), ...(hint === undefined ? {} : {hint})}, error});
			},
		);
}

/**
 * One URL that may be asked: started at once (eager) or only when its turn comes, and then only once.
 * The spec's order is sometimes a priority (answers fetched together, the first usable taken) and
 * sometimes a sequence (asked only after the one before failed): both are candidates.
 */
type Candidate = {readonly url: string; fetch(): Promise<Fetched>; started(): boolean};

function candidate(url: string, start: () => Promise<Fetched>, {eager}: {eager: boolean}): Candidate {
	let result: Promise<Fetched> | undefined;
	const fetch = () => (result ??= start());
	if (eager) void fetch();
	return {url, fetch, started: () => result !== undefined};
}

/** The attempts of the candidates that were asked, once they have settled. */
async function settledAttempts(candidates: readonly Candidate[]): Promise<Attempt[]> {
	return Promise.all(candidates.filter(item => item.started()).map(async item => (await item.fetch()).attempt));
}

/**
 * Takes the first candidate in priority order whose answer `accept` takes; a candidate not started yet
 * is asked when its turn comes, and one still running afterwards is cancelled.
 */
async function firstUsable<T>(
	candidates: readonly Candidate[],
	accept: (fetched: Fetched, url: string) => {value: T; note?: string} | {reject: string} | undefined,
	controller: AbortController,
): Promise<{attempts: Attempt[]; chosen?: {url: string; value: T}}> {
	const attempts: Attempt[] = [];
	let chosen: {url: string; value: T} | undefined;
	for (const item of candidates) {
		if (chosen) {
			if (item.started()) attempts.push((await item.fetch()).attempt);
			continue;
		}

		const fetched = await item.fetch();
		const verdict = accept(fetched, item.url);
		if (verdict === undefined) {
			attempts.push(fetched.attempt);
		} else if ('reject' in verdict) {
			attempts.push({...fetched.attempt, outcome: 'rejected', note: verdict.reject});
		} else {
			attempts.push({...fetched.attempt, outcome: 'used', note: verdict.note});
			chosen = {url: item.url, value: verdict.value};
			controller.abort();
		}
	}

	return {attempts, chosen};
}

function jsonDocument(fetched: Fetched): {document: Record<string, unknown>} | {reject: string} | undefined {
	const {response} = fetched;
	if (!response || isNotFound(response.status)) return undefined;
	if (response.status !== 200) return {reject: `HTTP ${response.status}`};
	const parsed = parseJsonObject(response);
	return parsed.ok ? {document: parsed.value} : {reject: parsed.problem};
}

function linkedController(signal: AbortSignal | undefined): AbortController {
	const controller = new AbortController();
	if (signal) {
		if (signal.aborted) controller.abort(signal.reason);
		else signal.addEventListener('abort', () => controller.abort(signal.reason), {once: true});
	}

	return controller;
}

/** The probe: the MCP request without a token (RFC 9728 5, MCP 2025-11-25 Protected Resource Metadata Discovery). */
function probeBody(): string {
	return JSON.stringify({
		jsonrpc: '2.0',
		id: 1,
		method: 'initialize',
		params: {protocolVersion: mcpProtocolVersion, capabilities: {}, clientInfo: {name: 'mcp-auth-wizard', version: '0'}},
	});
}

/** Endpoints must be https, but on loopback hosts (OAuth 2.1 1.5). */
function insecureEndpoints(metadata: AuthorizationServerMetadata): string[] {
	return (['authorization_endpoint', 'token_endpoint', 'registration_endpoint'] as const).filter(field => metadata[field] !== undefined && !isHttpsOrLoopback(metadata[field]));
}

/** The error for a URL named by a server that is neither https nor loopback, refused before any request to it. */
function plainHttpFinding(code: string, message: string): Finding {
	return {level: 'error', code, message, hint: 'OAuth 2.1 and the MCP spec allow authorization-server URLs only over https (plain http only on localhost); nothing was sent to it. Report it to the server operator.'};
}

/** What the metadata says about the login to come: errors stop it, warnings explain surprises. */
function assess(discovery: Omit<Discovery, 'findings'>, client: Pick<DiscoverOptions, 'hasClientId' | 'clientMetadataUrl'>): Finding[] {
	const findings: Finding[] = [];
	const as = discovery.authorizationServer?.metadata;
	const prm = discovery.resourceMetadata?.document;
	if (discovery.probe.status !== undefined && discovery.probe.status !== 401 && discovery.probe.status !== 403) {
		findings.push({level: 'warning', code: 'no-401', message: `The MCP server answered ${discovery.probe.status} to a request without a token`, hint: 'It may not need a login at all; the login still works if the metadata is there.'});
	} else if (discovery.probe.status === 401 && !discovery.probe.challenge) {
		findings.push({level: 'warning', code: 'no-bearer-challenge', message: 'The 401 carries no Bearer WWW-Authenticate challenge', hint: 'Metadata was looked up at the well-known URLs instead (RFC 9728 3).'});
	}

	if (prm && (prm.authorization_servers?.length ?? 0) > 1) {
		findings.push({level: 'warning', code: 'several-authorization-servers', message: `The resource names ${prm.authorization_servers!.length} authorization servers; using the first, ${prm.authorization_servers![0]}`, hint: 'Tokens and registrations are kept per authorization server.'});
	}

	if (!as) return findings;
	if (!as.authorization_endpoint || !as.token_endpoint) {
		findings.push({level: 'error', code: 'missing-endpoints', message: 'The authorization-server metadata has no authorization_endpoint or token_endpoint', hint: 'The server cannot be logged in to with the code flow; report it to its operator.'});
	}

	const insecure = insecureEndpoints(as);
	if (insecure.length > 0) {
		findings.push({level: 'error', code: 'insecure-endpoint', message: `${insecure.join(', ')} is not https`, hint: 'OAuth endpoints must use https (plain http only on localhost); report it to the server operator.'});
	}

	// PKCE with S256 is required; without it advertised, refuse (MCP authorization, PKCE section).
	if (!as.code_challenge_methods_supported?.includes('S256')) {
		findings.push({
			level: 'error',
			code: 'no-s256',
			message: as.code_challenge_methods_supported ? `PKCE S256 is not supported (only ${as.code_challenge_methods_supported.join(', ') || 'none'})` : 'The authorization server does not advertise PKCE (code_challenge_methods_supported)',
			hint: 'MCP clients must refuse to log in without PKCE S256; ask the server operator to enable it.',
		});
	}

	// The same choice the login makes (client-way.ts), so that discovery never contradicts it.
	const clientWay = chooseClientWay({metadata: as, clientId: client.hasClientId ? '' : undefined, clientMetadataUrl: client.clientMetadataUrl});
	if (clientWay.way === 'ask') {
		findings.push({
			level: 'error',
			code: 'no-client-id',
			message: as.client_id_metadata_document_supported ? 'No registration endpoint; the server expects a Client ID Metadata Document or a pre-registered client' : 'The authorization server offers no dynamic client registration',
			hint: as.client_id_metadata_document_supported
				? `Pass the URL of your client's metadata document with --client-metadata-url, or register a client with the server operator and pass --client-id (and --client-secret if it has one).${client.clientMetadataUrl === undefined ? '' : ` (${clientWay.unavailable.find(option => option.way === 'client-metadata-document')?.why ?? ''})`}`
				: `Register a client with the server operator and pass --client-id (and --client-secret if it has one).${client.clientMetadataUrl === undefined ? '' : ' It does not advertise Client ID Metadata Documents (client_id_metadata_document_supported), so --client-metadata-url cannot be used.'}`,
		});
	} else if (client.clientMetadataUrl !== undefined && clientWay.way !== 'client-metadata-document') {
		findings.push({
			level: 'warning',
			code: 'client-metadata-document-unused',
			message: `The Client ID Metadata Document is not used: ${clientWay.unavailable.find(option => option.way === 'client-metadata-document')?.why ?? 'another way comes first'}`,
			hint: `The login uses ${clientWay.way} instead (${clientWay.reason}).`,
		});
	}

	const asScopes = as.scopes_supported;
	if (asScopes && prm?.scopes_supported) {
		for (const scope of prm.scopes_supported.filter(scope => !asScopes.includes(scope))) {
			findings.push({level: 'warning', code: 'scope-not-listed', message: `Scope "${scope}" of the resource metadata is not in the authorization server's scopes_supported`, hint: 'The authorization server may refuse or drop it; deselect it if the login fails.'});
		}
	}

	const methods = as.token_endpoint_auth_methods_supported;
	// Only registration can run into it: a server without registration gets the no-client-id error instead.
	if (methods && !methods.includes('none') && !client.hasClientId && clientWay.way === 'dynamic-registration') {
		findings.push({level: 'warning', code: 'no-public-clients', message: `The token endpoint accepts only ${methods.join(', ')}, not "none"`, hint: 'Registration may return a client secret; if it fails, use a pre-registered client (--client-id, --client-secret).'});
	}

	return findings;
}

/**
 * Finds how to log in to an MCP server: the unauthenticated probe and its challenge, the
 * protected-resource metadata (RFC 9728) and the authorization-server metadata (RFC 8414 / OpenID
 * Discovery), in the spec's priority order, with requests that may be needed started at once.
 * Network failures of the probe throw; everything else is reported in `findings`.
 */
export async function discover(mcpUrl: string, options: DiscoverOptions): Promise<Discovery> {
	const {http, signal, onEvent} = options;
	const resourceId = canonicalResource(mcpUrl);
	const attempts: Attempt[] = [];
	const findings: Finding[] = [];

	// Stage 1: the probe, the path-aware resource metadata and the MCP origin's authorization-server
	// metadata at once. The root resource metadata is asked only after the path-aware one failed: RFC
	// 9728 3.1 and MCP 2025-11-25 (Protected Resource Metadata Discovery) order them as a sequence.
	const prmController = linkedController(signal);
	const askPrm = (url: string) => () => startAttempt(http, 'resource-metadata', url, {signal: prmController.signal, onEvent});
	const wellKnown = protectedResourceMetadataUrls(mcpUrl).map((url, index) => candidate(url, askPrm(url), {eager: index === 0}));
	// The MCP server's own origin is the authorization server of many servers and of every 2025-03-26
	// one, so its metadata is asked for at once too, from the server already being probed: one round trip
	// less when the resource metadata names that origin. It is used only then (or when there is no
	// resource metadata): an issuer is taken only from the resource metadata (RFC 9728 3.3).
	const origin = new URL(mcpUrl).origin;
	const originAsController = linkedController(signal);
	const originAs = authorizationServerMetadataUrls(origin).map(url =>
		candidate(url, () => startAttempt(http, 'authorization-server-metadata', url, {signal: originAsController.signal, onEvent}), {eager: true}),
	);
	const dropOriginAs = async () => {
		originAsController.abort();
		attempts.push(...(await settledAttempts(originAs)));
	};
	const probe = await startAttempt(http, 'probe', mcpUrl, {
		signal: linkedController(signal).signal,
		onEvent,
		method: 'POST',
		body: probeBody(),
		headers: {'content-type': 'application/json', accept: 'application/json, text/event-stream'},
	});
	attempts.push(probe.attempt);
	if (!probe.response) {
		prmController.abort();
		originAsController.abort();
		await settledAttempts([...wellKnown, ...originAs]);
		signal?.throwIfAborted();
		const hint = probe.error instanceof WizardError ? probe.error.hint : 'Check the URL and your network connection, then try again.';
		throw new WizardError('probe', `Could not reach the MCP server: ${probe.attempt.note ?? 'no answer'}`, hint);
	}

	const wwwAuthenticate = probe.response.headers['www-authenticate'];
	const challenge = bearerChallenge(wwwAuthenticate);
	const headerUrl = challenge?.params['resource_metadata'];
	if (headerUrl !== undefined && !isHttpsOrLoopback(headerUrl)) {
		prmController.abort();
		await dropOriginAs();
		attempts.push(...(await settledAttempts(wellKnown)));
		findings.push(plainHttpFinding('insecure-resource-metadata-url', `The server's challenge names resource metadata at ${headerUrl}, which is not https`));
		return {mcpUrl, resource: resourceId, probe: {status: probe.response.status, wwwAuthenticate, challenge}, attempts, findings};
	}

	let candidates = wellKnown;
	if (headerUrl) {
		// RFC 9728 5.1: the challenge's URL MUST be used; a well-known request to the same URL is reused.
		const same = wellKnown.find(item => item.url === headerUrl);
		candidates = [same ?? candidate(headerUrl, askPrm(headerUrl), {eager: true}), ...wellKnown.filter(item => item !== same)];
	}

	const rootMetadataUrl = protectedResourceMetadataUrls(origin)[0];
	const prm = await firstUsable<ProtectedResourceMetadata>(
		candidates,
		(fetched, url) => {
			const parsed = jsonDocument(fetched);
			if (!parsed || 'reject' in parsed) return parsed;
			const problems = protectedResourceTypeProblems(parsed.document);
			if (problems.length > 0) return {reject: problems.join('; ')};
			const document = parsed.document as ProtectedResourceMetadata;
			// RFC 9728 3.3: `resource` must be the identifier the URL was built from (for the root URL, the
			// origin; a document naming the MCP URL itself is accepted there too).
			const allowed = url === rootMetadataUrl && url !== headerUrl ? [resourceId, canonicalResource(origin)] : [resourceId];
			let documentResource: string;
			try {
				documentResource = canonicalResource(document.resource);
			} catch {
				return {reject: `\`resource\` "${document.resource}" is not a URL`};
			}

			if (!allowed.includes(documentResource)) {
				findings.push({level: 'error', code: 'resource-mismatch', message: `The resource metadata at ${url} is for "${document.resource}", not "${resourceId}"`, hint: `RFC 9728 3.3 forbids using it: the server describes another resource than the one asked for. If ${resourceId} is the URL its documentation gives, report the mismatch to the server operator.`});
				return {reject: `resource "${document.resource}" is not "${resourceId}"`};
			}

			if ((document.authorization_servers?.length ?? 0) === 0) return {reject: 'no authorization_servers'};
			return {value: document};
		},
		prmController,
	);
	attempts.push(...prm.attempts);

	// A document that was rejected for a mismatch but another one was usable: the mismatch is a warning.
	if (prm.chosen) {
		for (const [index, finding] of findings.entries()) findings[index] = {...finding, level: 'warning'};
	}

	let issuer: string;
	if (prm.chosen) {
		issuer = prm.chosen.value.authorization_servers![0]!;
		if (URL.canParse(issuer) && !isHttpsOrLoopback(issuer)) {
			await dropOriginAs();
			findings.push(plainHttpFinding('insecure-authorization-server', `The resource metadata at ${prm.chosen.url} names the authorization server ${issuer}, which is not https`));
			return {mcpUrl, resource: resourceId, probe: {status: probe.response.status, wwwAuthenticate, challenge}, resourceMetadata: {url: prm.chosen.url, document: prm.chosen.value}, attempts, findings};
		}
	} else if (findings.some(finding => finding.level === 'error')) {
		await dropOriginAs();
		return {mcpUrl, resource: resourceId, probe: {status: probe.response.status, wwwAuthenticate, challenge}, attempts, findings};
	} else if (headerUrl) {
		const rejected = prm.attempts.find(attempt => attempt.url === headerUrl);
		findings.push({level: 'error', code: 'no-resource-metadata', message: `The resource metadata named by the server's challenge (${headerUrl}) could not be used: ${rejected?.note ?? `HTTP ${rejected?.status ?? '?'}`}`, hint: unusableHint(rejected ? [rejected] : [], 'The server points to metadata it does not serve; report it to the server operator.')});
		await dropOriginAs();
		return {mcpUrl, resource: resourceId, probe: {status: probe.response.status, wwwAuthenticate, challenge}, attempts, findings};
	} else {
		// 2025-03-26 servers have no resource metadata: the authorization server is the MCP URL's origin.
		issuer = origin;
		findings.push({level: 'warning', code: 'legacy-no-resource-metadata', message: 'The server has no protected-resource metadata (an MCP 2025-03-26 server)', hint: `Its origin, ${origin}, is taken as the authorization server.`});
	}

	// Stage 2: the authorization-server metadata, every candidate at once, first usable in priority order.
	let asUrls: string[];
	try {
		asUrls = authorizationServerMetadataUrls(issuer);
	} catch {
		findings.push({level: 'error', code: 'bad-issuer', message: `The authorization server "${issuer}" is not a URL`, hint: 'Report the resource metadata to the server operator.'});
		await dropOriginAs();
		return {mcpUrl, resource: resourceId, probe: {status: probe.response.status, wwwAuthenticate, challenge}, attempts, findings};
	}

	const isOrigin = asUrls.join(' ') === originAs.map(item => item.url).join(' ');
	const asController = isOrigin ? originAsController : linkedController(signal);
	const asCandidates = isOrigin ? originAs : asUrls.map(url => candidate(url, () => startAttempt(http, 'authorization-server-metadata', url, {signal: asController.signal, onEvent}), {eager: true}));
	if (!isOrigin) await dropOriginAs();
	const as = await firstUsable<AuthorizationServerMetadata>(
		asCandidates,
		(fetched, url) => {
			const parsed = jsonDocument(fetched);
			if (!parsed || 'reject' in parsed) return parsed;
			const problems = authorizationServerTypeProblems(parsed.document);
			if (problems.length > 0) return {reject: problems.join('; ')};
			const metadata = parsed.document as AuthorizationServerMetadata;
			// RFC 8414 3.3 (and MCP 2026-07-28): `issuer` must be the issuer the URL was built from. Without
			// resource metadata (2025-03-26) no issuer was named: the URL came from the MCP origin, and servers
			// answer there with an issuer that has a path (the MCP TypeScript SDK v1's auth router does).
			if (metadata.issuer !== issuer && !prm.chosen) {
				findings.push({level: 'warning', code: 'legacy-issuer-differs', message: `The metadata at ${url} names issuer "${metadata.issuer}", not the MCP origin ${issuer}`, hint: 'Without resource metadata no issuer was named beforehand (MCP 2025-03-26), so the document is used as it is; the login expects its issuer.'});
				return {value: metadata};
			}

			if (metadata.issuer !== issuer) {
				findings.push({level: 'error', code: 'issuer-mismatch', message: `The metadata at ${url} names issuer "${metadata.issuer}", not "${issuer}"`, hint: 'RFC 8414 3.3 forbids using it; report the mismatch to the server operator.'});
				return {reject: `issuer "${metadata.issuer}" is not "${issuer}"`};
			}

			return {value: metadata};
		},
		asController,
	);
	attempts.push(...as.attempts);
	const resource = prm.chosen ? canonicalResource(prm.chosen.value.resource) : resourceId;
	const base = {
		mcpUrl,
		resource,
		probe: {status: probe.response.status, wwwAuthenticate, challenge},
		resourceMetadata: prm.chosen ? {url: prm.chosen.url, document: prm.chosen.value} : undefined,
		attempts,
	};

	if (as.chosen) {
		for (const [index, finding] of findings.entries()) if (finding.code === 'issuer-mismatch') findings[index] = {...finding, level: 'warning'};
		const discovery = {...base, authorizationServer: {issuer: as.chosen.value.issuer, url: as.chosen.url, metadata: as.chosen.value}};
		return {...discovery, findings: [...findings, ...assess(discovery, options)]};
	}

	if (findings.some(finding => finding.level === 'error')) return {...base, findings};
	if (prm.chosen) {
		const failed = as.attempts.map(attempt => `${attempt.url}: ${attempt.note ?? `HTTP ${attempt.status ?? '?'}`}`).join('; ');
		findings.push({level: 'error', code: 'no-authorization-server-metadata', message: `No metadata found for the authorization server ${issuer} (${failed})`, hint: unusableHint(as.attempts, 'Check that the authorization server is up; report the resource metadata to the server operator if it names the wrong server.')});
		return {...base, findings};
	}

	// Nothing says this is an MCP server that wants a login: no challenge, no MCP answer, no metadata.
	// Most often the service's website instead of its MCP endpoint; a 2025-03-26 server would answer 401.
	if (!answersLikeMcp(probe.response)) {
		return {
			...base,
			findings: [
				...findings.filter(finding => finding.code !== 'legacy-no-resource-metadata'),
				{
					level: 'error',
					code: 'not-mcp-endpoint',
					message: `${mcpUrl} does not look like an MCP endpoint: it answered the MCP request with ${describeAnswer(probe.response)}, and no OAuth metadata was found there`,
					hint: 'Check the URL: use the MCP endpoint the service documents (it often ends in /mcp), not its website. An MCP server that wants a login answers 401 or serves resource metadata (RFC 9728).',
				},
			],
		};
	}

	// 2025-03-26 fallback: the default endpoints at the origin.
	findings.push({level: 'warning', code: 'legacy-default-endpoints', message: `No authorization-server metadata at ${origin}; using the default endpoints /authorize, /token and /register`, hint: 'This is how MCP 2025-03-26 servers without metadata work; PKCE S256 is assumed.'});
	const metadata: AuthorizationServerMetadata = {
		issuer: origin,
		authorization_endpoint: `${origin}/authorize`,
		token_endpoint: `${origin}/token`,
		registration_endpoint: `${origin}/register`,
		code_challenge_methods_supported: ['S256'],
	};
	const discovery = {...base, authorizationServer: {issuer: origin, metadata}};
	return {...discovery, findings: [...findings, ...assess(discovery, options)]};
}

/**
 * An authorization server's metadata from its issuer alone (RFC 8414 3.1, OpenID Connect Discovery 4),
 * for a server no MCP server names: an enterprise identity provider. Every well-known URL at once, the
 * first usable in priority order; its `issuer` must be the one asked for (RFC 8414 3.3). `name` is how
 * errors call the server. Throws a WizardError when none is usable.
 */
export async function fetchAuthorizationServerMetadata(
	issuer: string,
	options: {readonly http: HttpClient; readonly signal?: AbortSignal; readonly onEvent?: DiscoverOptions['onEvent']; readonly name?: string},
): Promise<{readonly url: string; readonly metadata: AuthorizationServerMetadata; readonly attempts: readonly Attempt[]}> {
	const {http, signal, onEvent} = options;
	const name = options.name ?? 'the authorization server';
	const urls = authorizationServerMetadataUrls(issuer);
	const controller = linkedController(signal);
	const candidates = urls.map(url => candidate(url, () => startAttempt(http, 'authorization-server-metadata', url, {signal: controller.signal, onEvent}), {eager: true}));
	const found = await firstUsable<AuthorizationServerMetadata>(
		candidates,
		fetched => {
			const parsed = jsonDocument(fetched);
			if (!parsed || 'reject' in parsed) return parsed;
			const problems = authorizationServerTypeProblems(parsed.document);
			if (problems.length > 0) return {reject: problems.join('; ')};
			const metadata = parsed.document as AuthorizationServerMetadata;
			return metadata.issuer === issuer ? {value: metadata} : {reject: `issuer "${printableLine(metadata.issuer, 200)}" is not "${issuer}"`};
		},
		controller,
	);
	signal?.throwIfAborted();
	if (!found.chosen) {
		const failed = found.attempts.map(attempt => `${attempt.url}: ${attempt.note ?? `HTTP ${attempt.status ?? '?'}`}`).join('; ');
		throw new WizardError('authorization-server-metadata', `No metadata found for ${name} ${issuer} (${failed})`, unusableHint(found.attempts, `Check the issuer URL: it must be the \`issuer\` of ${name}'s metadata exactly (RFC 8414 3.3).`));
	}

	return {url: found.chosen.url, metadata: found.chosen.value, attempts: found.attempts};
}

/** A 401/403 challenge, or an answer in MCP's own terms: JSON-RPC, or an event stream (streamable HTTP). */
function answersLikeMcp(response: HttpResponse): boolean {
	if (response.status === 401 || response.status === 403) return true;
	if ((response.headers['content-type'] ?? '').includes('text/event-stream')) return true;
	const parsed = parseJsonObject(response);
	return parsed.ok && parsed.value['jsonrpc'] === '2.0';
}

/** What came back, in a few words: "HTTP 200 (an HTML page titled "Acme")", "HTTP 404 (text/plain)". */
function describeAnswer(response: HttpResponse): string {
	const type = (response.headers['content-type'] ?? '').split(';')[0]!.trim();
	const title = /<title[^>]*>([^<]*)<\/title>/i.exec(response.body)?.[1];
	const looksHtml = type === 'text/html' || /^\s*</.test(response.body);
	const what = looksHtml ? `an HTML page${title?.trim() ? ` titled "${printableLine(title, 80)}"` : ''}` : response.body.trim() === '' ? 'an empty body' : type || 'no content type';
	return `HTTP ${response.status} (${what})`;
}

/**
 * What a login needs of the authorization server: `codeFlow` false for grants made at the token
 * endpoint alone (a JWT bearer grant, RFC 7523 2.1), which need no authorization endpoint and no PKCE.
 */
export type UsableFor = {readonly codeFlow?: boolean};

/** Findings that stop only a login through the authorization endpoint (code flow with PKCE). */
function onlyForCodeFlow(finding: Finding, discovery: Discovery): boolean {
	return finding.code === 'no-s256' || (finding.code === 'missing-endpoints' && discovery.authorizationServer?.metadata.token_endpoint !== undefined);
}

/** The first error finding as a WizardError (the step it stops), or undefined when the login can go on. */
export function discoveryError(discovery: Discovery, usableFor: UsableFor = {}): WizardError | undefined {
	const error = discovery.findings.find(finding => finding.level === 'error' && (usableFor.codeFlow !== false || !onlyForCodeFlow(finding, discovery)));
	if (error) {
		const step = error.code === 'not-mcp-endpoint' ? 'probe' : error.code.includes('resource') ? 'resource-metadata' : error.code === 'no-client-id' ? 'client' : 'authorization-server-metadata';
		return new WizardError(step, error.message, error.hint);
	}

	if (!discovery.authorizationServer) return new WizardError('authorization-server-metadata', 'No authorization server was found', 'Check the MCP URL.');
	return undefined;
}

/** Throws the first error finding, so that a login stops before any authorization request. */
export function assertUsable(discovery: Discovery, usableFor: UsableFor = {}): asserts discovery is Discovery & {authorizationServer: NonNullable<Discovery['authorizationServer']>} {
	const error = discoveryError(discovery, usableFor);
	if (error) throw error;
}
