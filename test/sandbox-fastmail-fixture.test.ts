import {readFileSync} from 'node:fs';
import {afterAll, beforeAll, expect, it} from 'vitest';
import type {Sandbox} from '../source/sandbox/index.js';
import {startTestSandbox} from './helpers/secret-scan.js';

// Fastmail's real metadata, as reported (shared/fixtures/fastmail, copied to test/fixtures/fastmail): the sandbox must copy it.
const fixture = (name: string) => readFileSync(new URL(`fixtures/fastmail/${name}`, import.meta.url), 'utf8');
const fastmailOrigin = 'https://api.fastmail.com';

let sandbox: Sandbox;
beforeAll(async () => {
	sandbox = await startTestSandbox();
});
afterAll(async () => sandbox.close());

const localized = (text: string) => JSON.parse(text.replaceAll(fastmailOrigin, sandbox.issuer)) as Record<string, unknown>;

it('serves Fastmail\'s protected-resource metadata', async () => {
	const served = await (await fetch(`${sandbox.issuer}/.well-known/oauth-protected-resource/mcp`)).json();
	expect(served).toMatchObject(localized(fixture('protected-resource.json')));
});

it('serves Fastmail\'s authorization-server metadata fields', async () => {
	const served = (await (await fetch(`${sandbox.issuer}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
	expect(served).toMatchObject(localized(fixture('authorization-server.json')));
	expect(served['scopes_supported']).toEqual(localized(fixture('authorization-server.json'))['scopes_supported']);
});

it('answers a registration without scope with Fastmail\'s exact 400 body', async () => {
	const response = await fetch(`${sandbox.issuer}/oauth/register`, {
		method: 'POST',
		headers: {'content-type': 'application/json'},
		body: JSON.stringify({client_name: 'x', redirect_uris: ['http://127.0.0.1:1/callback'], token_endpoint_auth_method: 'none', application_type: 'native'}),
	});
	expect(response.status).toBe(400);
	expect(await response.text()).toBe(fixture('registration-error-no-scope.json').trim());
});
