import {loginIn} from './helpers/saved-servers.js';
import {readFileSync} from 'node:fs';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {Sandbox} from '../source/sandbox/index.js';
import {type JsonServer, startJsonServer} from './helpers/json-server.js';
import {type CliRun, runCli, scriptedBrowser, temporaryHome} from './helpers/run-cli.js';
import {startTestSandbox} from './helpers/secret-scan.js';

let sandbox: Sandbox;
let registering: Sandbox;
let documents: JsonServer;
const home = temporaryHome();
const env = () => ({MCP_AUTH_WIZARD_HOME: home.path, BROWSER: scriptedBrowser});
const cli = async (args: string[]): Promise<CliRun> => runCli(args, env());
const json = (run: CliRun) => JSON.parse(run.stdout) as Record<string, any>;
const stored = () => JSON.parse(readFileSync(`${home.path}/servers.json`, 'utf8')) as {servers: Record<string, any>};

beforeAll(async () => {
	[sandbox, registering] = await Promise.all([startTestSandbox({profile: 'client-metadata-document'}), startTestSandbox({profile: 'fastmail'})]);
	documents = await startJsonServer(origin => ({
		'GET /impostor.json': {body: {client_id: `${origin}/other.json`, client_name: 'impostor', redirect_uris: ['http://127.0.0.1/callback'], token_endpoint_auth_method: 'none'}},
	}));
});

afterAll(async () => {
	await Promise.all([sandbox.close(), registering.close(), documents.close()]);
	home.remove();
});

describe('login with a Client ID Metadata Document', () => {
	it('uses the document URL as client id, with no registration, after checking the document', async () => {
		const documentUrl = sandbox.clientMetadataDocumentUrl!;
		const run = await cli(['login', sandbox.mcpUrl, '--client-metadata-url', documentUrl, '--json', '--name', 'cimd']);
		expect(run.stderr).toContain(`Client: client-metadata-document`);
		expect(run.stderr).toMatch(new RegExp(`Client ID Metadata Document at ${documentUrl.replaceAll('.', '\\.')}: client_id matches; redirect URIs cover http://127\\.0\\.0\\.1:\\d+/callback \\(the document lists http://127\\.0\\.0\\.1/callback: any port\\)`));
		expect(run.code).toBe(0);

		const result = json(run);
		expect(result).toMatchObject({
			ok: true,
			client: {clientId: documentUrl, authMethod: 'none', source: 'client-metadata-document'},
			clientWay: {way: 'client-metadata-document'},
			clientMetadataDocument: {url: documentUrl, fetched: true, warnings: [], redirectUri: 'http://127.0.0.1/callback'},
			check: {ok: true},
		});
		expect(result['registration']).toBeUndefined();
		expect(sandbox.requests.registration).toEqual([]);
		const authorization = sandbox.requests.authorization.at(-1)!.query;
		expect(authorization['client_id']).toBe(documentUrl);
		expect(authorization['redirect_uri']).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/);
		// The authorization server fetched the document itself, and took it.
		expect(sandbox.requests.clientMetadata.at(-1)).toMatchObject({url: documentUrl, status: 200, refused: undefined});
		expect(loginIn(stored(), sandbox.mcpUrl).client).toEqual({clientId: documentUrl, authMethod: 'none', source: 'client-metadata-document'});
	});

	it('refreshes and re-authorizes with the same document, checked again', async () => {
		const refresh = await cli(['refresh', 'cimd', '--json']);
		expect(refresh.code).toBe(0);
		expect(new URLSearchParams(sandbox.requests.token.at(-1)!.body).get('client_id')).toBe(sandbox.clientMetadataDocumentUrl);

		const run = await cli(['reauthorize', 'cimd', '--json']);
		expect(run.stderr).toContain(`Using the Client ID Metadata Document ${sandbox.clientMetadataDocumentUrl} again`);
		expect(run.stderr).toContain('client_id matches');
		expect(run.code).toBe(0);
		expect(json(run)).toMatchObject({client: {source: 'client-metadata-document'}});
		expect(sandbox.requests.registration).toEqual([]);
	});

	it('says to pass --client-metadata-url where the server has nothing else', async () => {
		const run = await cli(['login', sandbox.mcpUrl, '--json', '--name', 'no-client']);
		expect(run.code).toBe(1);
		expect(json(run)).toMatchObject({ok: false, error: {message: expect.stringContaining('expects a Client ID Metadata Document'), hint: expect.stringContaining('--client-metadata-url')}});
	});

	it('refuses a document whose client_id is not its URL before any authorization request', async () => {
		const authorizations = sandbox.requests.authorization.length;
		const run = await cli(['login', sandbox.mcpUrl, '--client-metadata-url', `${documents.origin}/impostor.json`, '--json', '--name', 'impostor']);
		expect(run.code).toBe(1);
		expect(json(run)).toMatchObject({ok: false, error: {step: 'client', message: expect.stringContaining(`client_id "${documents.origin}/other.json" is not the document's URL`)}});
		expect(sandbox.requests.authorization).toHaveLength(authorizations);
	});

	it('falls back to registration, with a warning, where the server does not support documents', async () => {
		const run = await cli(['login', registering.mcpUrl, '--client-metadata-url', sandbox.clientMetadataDocumentUrl!, '--json', '--name', 'fallback']);
		expect(run.stderr).toMatch(/Warning: the Client ID Metadata Document .* is not used: the authorization server does not advertise client_id_metadata_document_supported.*Falling back to dynamic-registration/);
		expect(run.code).toBe(0);
		expect(json(run)).toMatchObject({client: {source: 'registration'}, clientWay: {way: 'dynamic-registration'}});
	});

	it('is a usage error with --client-id, or with a URL that cannot be a client id', async () => {
		const both = await cli(['login', sandbox.mcpUrl, '--client-id', 'x', '--client-metadata-url', sandbox.clientMetadataDocumentUrl!]);
		expect(both.code).toBe(2);
		expect(both.stderr).toContain('two ways to name the client');

		const noPath = await cli(['login', sandbox.mcpUrl, '--client-metadata-url', 'https://example.com']);
		expect(noPath.code).toBe(2);
		expect(noPath.stderr).toContain('has no path');
	});
});
