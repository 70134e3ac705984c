import {describe, expect, it} from 'vitest';
import {type ClientWay, type ClientWayChoice, chooseClientWay, clientWays} from '../../source/core/client-way.js';
import type {AuthorizationServerMetadata} from '../../source/core/metadata.js';

const issuer = 'https://as.example.com';
const documentUrl = 'https://app.example.com/mcp-client.json';

function metadata(options: {registration: boolean; cimd: boolean}): AuthorizationServerMetadata {
	return {
		issuer,
		authorization_endpoint: `${issuer}/authorize`,
		token_endpoint: `${issuer}/token`,
		...(options.registration ? {registration_endpoint: `${issuer}/register`} : {}),
		...(options.cimd ? {client_id_metadata_document_supported: true} : {}),
		code_challenge_methods_supported: ['S256'],
	};
}

const ways = (options: readonly {way: ClientWay}[]) => options.map(option => option.way);
const why = (choice: ClientWayChoice, way: ClientWay) => [...choice.available, ...choice.unavailable].find(option => option.way === way)?.why;

/** Every combination: [registration, cimd, clientId, clientMetadataUrl] → the way. */
const table: Array<[boolean, boolean, boolean, boolean, ClientWay]> = [
	[false, false, false, false, 'ask'],
	[false, false, false, true, 'ask'],
	[false, false, true, false, 'pre-registered'],
	[false, false, true, true, 'pre-registered'],
	[false, true, false, false, 'ask'],
	[false, true, false, true, 'client-metadata-document'],
	[false, true, true, false, 'pre-registered'],
	[false, true, true, true, 'pre-registered'],
	[true, false, false, false, 'dynamic-registration'],
	[true, false, false, true, 'dynamic-registration'],
	[true, false, true, false, 'pre-registered'],
	[true, false, true, true, 'pre-registered'],
	[true, true, false, false, 'dynamic-registration'],
	[true, true, false, true, 'client-metadata-document'],
	[true, true, true, false, 'pre-registered'],
	[true, true, true, true, 'pre-registered'],
];

describe('chooseClientWay', () => {
	it.each(table)('registration %s, CIMD supported %s, client id %s, document URL %s: %s', (registration, cimd, clientId, url, expected) => {
		const choice = chooseClientWay({metadata: metadata({registration, cimd}), clientId: clientId ? 'my-client' : undefined, clientMetadataUrl: url ? documentUrl : undefined});

		expect(choice.way).toBe(expected);
		expect(choice.available[0]?.way).toBe(expected);
		expect(choice.reason.length).toBeGreaterThan(10);
		// Each way is in exactly one list, and available keeps the spec's priority order.
		expect([...ways(choice.available), ...ways(choice.unavailable)].sort()).toEqual([...clientWays].sort());
		expect(ways(choice.available)).toEqual(clientWays.filter(way => ways(choice.available).includes(way)));
		for (const option of [...choice.available, ...choice.unavailable]) expect(option.why).not.toBe('');
		// 'ask' is only ever the answer when nothing else works.
		expect(ways(choice.available).includes('ask')).toBe(expected === 'ask');
	});

	it('says why a pre-registered client wins', () => {
		const choice = chooseClientWay({metadata: metadata({registration: true, cimd: true}), clientId: 'my-client', clientMetadataUrl: documentUrl});

		expect(choice.reason).toMatch(/pre-registered client comes first/);
		expect(ways(choice.available)).toEqual(['pre-registered', 'client-metadata-document', 'dynamic-registration']);
		expect(why(choice, 'pre-registered')).toContain('my-client');
		expect(why(choice, 'ask')).toBe('not needed: pre-registered works');
	});

	it('takes the document before registration, and names its URL', () => {
		const choice = chooseClientWay({metadata: metadata({registration: true, cimd: true}), clientMetadataUrl: documentUrl});

		expect(choice.reason).toContain(documentUrl);
		expect(choice.reason).toMatch(/before registration/);
		expect(why(choice, 'pre-registered')).toMatch(/no client id was given/);
		expect(why(choice, 'dynamic-registration')).toContain(`${issuer}/register`);
	});

	it('registers when the server accepts documents but none was given, and says so', () => {
		const choice = chooseClientWay({metadata: metadata({registration: true, cimd: true})});

		expect(choice.way).toBe('dynamic-registration');
		expect(choice.reason).toContain('--client-metadata-url');
		expect(why(choice, 'client-metadata-document')).toMatch(/accepts them, but no document URL was given/);
	});

	it('falls back from a document the server does not support', () => {
		const choice = chooseClientWay({metadata: metadata({registration: true, cimd: false}), clientMetadataUrl: documentUrl});

		expect(choice.way).toBe('dynamic-registration');
		expect(why(choice, 'client-metadata-document')).toMatch(/does not advertise client_id_metadata_document_supported, so the document at https:\/\/app\.example\.com\/mcp-client\.json cannot be used/);
	});

	it('asks for a client id when nothing works, and says what would', () => {
		const unsupported = chooseClientWay({metadata: metadata({registration: false, cimd: false}), clientMetadataUrl: documentUrl});
		expect(unsupported.reason).toMatch(/no dynamic client registration, and does not advertise Client ID Metadata Documents, so .* cannot be used: get a client id from the server operator and pass it with --client-id$/);

		const noUrl = chooseClientWay({metadata: metadata({registration: false, cimd: true})});
		expect(noUrl.reason).toMatch(/no Client ID Metadata Document URL was given: .* --client-id, or pass the URL of a Client ID Metadata Document with --client-metadata-url$/);
		expect(why(noUrl, 'ask')).toBe(noUrl.reason);

		const plain = chooseClientWay({metadata: metadata({registration: false, cimd: false})});
		expect(plain.reason).toBe('the authorization server offers no dynamic client registration: get a client id from the server operator and pass it with --client-id');
		expect(why(plain, 'dynamic-registration')).toBe('the authorization server has no registration_endpoint');
	});

	it('needs client_id_metadata_document_supported to be exactly true', () => {
		const choice = chooseClientWay({metadata: {...metadata({registration: false, cimd: false}), client_id_metadata_document_supported: 'true' as unknown as boolean}, clientMetadataUrl: documentUrl});
		expect(choice.way).toBe('ask');
	});

	it('does not take a URL that cannot be a client id', () => {
		for (const url of ['http://app.example.com/client.json', 'https://app.example.com', 'https://app.example.com/', 'https://app.example.com/client.json#x', 'https://user:pw@app.example.com/c.json', 'https://app.example.com/a/../c.json', 'not a url']) {
			const choice = chooseClientWay({metadata: metadata({registration: true, cimd: true}), clientMetadataUrl: url});
			expect(choice.way, url).toBe('dynamic-registration');
			expect(why(choice, 'client-metadata-document'), url).toMatch(/cannot be a client id/);
		}
	});

	it('takes plain http on loopback, for development', () => {
		const choice = chooseClientWay({metadata: metadata({registration: false, cimd: true}), clientMetadataUrl: 'http://127.0.0.1:8080/client.json'});
		expect(choice.way).toBe('client-metadata-document');
	});
});
