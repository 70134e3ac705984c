import {clientMetadataUrlProblem} from './client-metadata-document.js';
import type {AuthorizationServerMetadata} from './metadata.js';

/** The four ways to get a client id, in the spec's priority (MCP 2025-11-25, Client Registration Approaches). */
export type ClientWay = 'pre-registered' | 'client-metadata-document' | 'dynamic-registration' | 'ask';

/** The client_credentials grant (RFC 6749 4.4, MCP extension SEP-1046): a client acting as itself, no user, no browser. */
export const clientCredentials = 'client_credentials';

/** Enterprise-managed authorization (MCP extension SEP-990): an ID-JAG from the company's identity provider, redeemed as a JWT bearer grant. */
export const enterprise = 'enterprise';

/** A way a user may pick for a login's client: one of those to a client id, a client acting as itself, or the company's identity provider. */
export type WayChoice = Exclude<ClientWay, 'ask'> | typeof clientCredentials | typeof enterprise;

export type ClientWayOption = {readonly way: ClientWay; readonly why: string};

export type ClientWayChoice = {
	/** The one that applies, in the spec's priority. */
	readonly way: ClientWay;
	/** One line: why this one. */
	readonly reason: string;
	/** Every way that works with what was given, in priority order (the chosen one first), with why. */
	readonly available: readonly ClientWayOption[];
	/** And why not the others. Each of the four ways is in exactly one of the two lists. */
	readonly unavailable: readonly ClientWayOption[];
};

export const clientWays: readonly ClientWay[] = ['pre-registered', 'client-metadata-document', 'dynamic-registration', 'ask'];

/**
 * Which way to get a client id (MCP 2025-11-25 "Client Registration Approaches"): a pre-registered
 * client id the user gave; else a Client ID Metadata Document when the authorization server says it
 * supports them and the user gave its URL; else dynamic registration (RFC 7591) when there is a
 * registration endpoint; else the user must ask the server operator for a client id. Pure: the
 * document itself is checked by checkClientMetadataDocument.
 */
export function chooseClientWay(input: {readonly metadata: AuthorizationServerMetadata; readonly clientId?: string; readonly clientMetadataUrl?: string}): ClientWayChoice {
	const {metadata, clientId, clientMetadataUrl} = input;
	const available: ClientWayOption[] = [];
	const unavailable: ClientWayOption[] = [];
	const put = (way: ClientWay, usable: boolean, why: string) => (usable ? available : unavailable).push({way, why});

	put('pre-registered', clientId !== undefined, clientId === undefined ? 'no client id was given (--client-id)' : `the client id ${clientId} was given`);

	const cimdSupported = metadata.client_id_metadata_document_supported === true;
	const urlProblem = clientMetadataUrl === undefined ? undefined : clientMetadataUrlProblem(clientMetadataUrl);
	let cimdWhy: string;
	if (!cimdSupported) {
		cimdWhy = clientMetadataUrl === undefined
			? 'the authorization server does not advertise client_id_metadata_document_supported'
			: `the authorization server does not advertise client_id_metadata_document_supported, so the document at ${clientMetadataUrl} cannot be used`;
	} else if (clientMetadataUrl === undefined) {
		cimdWhy = 'the authorization server accepts them, but no document URL was given (--client-metadata-url)';
	} else if (urlProblem === undefined) {
		cimdWhy = `the authorization server accepts them, and the document is at ${clientMetadataUrl}`;
	} else {
		cimdWhy = `the document URL cannot be a client id: ${urlProblem}`;
	}

	put('client-metadata-document', cimdSupported && clientMetadataUrl !== undefined && urlProblem === undefined, cimdWhy);

	const endpoint = metadata.registration_endpoint;
	put('dynamic-registration', endpoint !== undefined, endpoint === undefined ? 'the authorization server has no registration_endpoint' : `the authorization server registers clients at ${endpoint} (RFC 7591)`);

	const first = available[0];
	if (first === undefined) {
		const cimd = !cimdSupported
			? clientMetadataUrl === undefined ? '' : `, and does not advertise Client ID Metadata Documents, so ${clientMetadataUrl} cannot be used`
			: clientMetadataUrl === undefined ? ', and no Client ID Metadata Document URL was given' : ` (${cimdWhy})`;
		const how = cimdSupported && urlProblem === undefined && clientMetadataUrl === undefined ? ', or pass the URL of a Client ID Metadata Document with --client-metadata-url' : '';
		const why = `the authorization server offers no dynamic client registration${cimd}: get a client id from the server operator and pass it with --client-id${how}`;
		return {way: 'ask', reason: why, available: [{way: 'ask', why}], unavailable};
	}

	unavailable.push({way: 'ask', why: `not needed: ${first.way} works`});
	const reason = {
		'pre-registered': `a client id was given, and a pre-registered client comes first (MCP 2025-11-25)`,
		'client-metadata-document': `the authorization server supports Client ID Metadata Documents and one was given (${clientMetadataUrl ?? ''}); they come before registration (MCP 2025-11-25)`,
		'dynamic-registration': `the authorization server offers dynamic client registration${cimdSupported && clientMetadataUrl === undefined ? ' (it would accept a Client ID Metadata Document too: --client-metadata-url)' : ''}`,
		ask: '',
	}[first.way];
	return {way: first.way, reason, available, unavailable};
}
