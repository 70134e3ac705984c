#!/usr/bin/env node
// The client that @modelcontextprotocol/conformance runs for each auth scenario: `client.mjs <MCP URL>`,
// with the scenario's name in MCP_CONFORMANCE_SCENARIO and its context (a pre-registered client id and
// secret, when it has one; an identity provider and an ID token for cross-app access) as JSON in
// MCP_CONFORMANCE_CONTEXT. It is our built CLI as a user scripts
// it: `login <url> --json`, then `verify <url> --call test-tool --yes` (which logs in again with more
// scopes on a 403 insufficient_scope), in a store of its own, with the scripted browser as BROWSER
// (the suite's authorization endpoint redirects at once). Exits with the first failing command's code.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';

/** The Client ID Metadata Document the suite's CIMD scenario expects as the client id; used where an authorization server supports them. */
export const clientMetadataUrl = 'https://conformance-test.local/client-metadata.json';

const cli = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const browser = fileURLToPath(new URL('../helpers/scripted-browser.mjs', import.meta.url));

function contextArgs(home) {
	const context = JSON.parse(process.env['MCP_CONFORMANCE_CONTEXT'] || '{}');
	// Enterprise-managed authorization (SEP-990): the user's ID token, in a file of its own (0600) as a
	// user would keep it, exchanged at the suite's identity provider for an ID-JAG. The identity provider
	// by its issuer, so that its token endpoint is discovered (the context's idp_token_endpoint is the
	// same one; --idp-token-endpoint would skip the discovery).
	if (String(context.name ?? '').startsWith('auth/cross-app-access')) {
		const idToken = join(home, 'id-token.jwt');
		writeFileSync(idToken, context.idp_id_token, {mode: 0o600});
		return [
			'--enterprise',
			'--idp-issuer', context.idp_issuer,
			'--idp-client-id', context.idp_client_id,
			'--id-token', idToken,
			'--client-id', context.client_id,
			'--client-secret', context.client_secret,
		];
	}

	// The client acting as itself (SEP-1046): its secret, or its private key in a file of its own.
	if (String(context.name ?? '').startsWith('auth/client-credentials')) {
		const key = join(home, 'client-key.pem');
		if (typeof context.private_key_pem === 'string') writeFileSync(key, context.private_key_pem, {mode: 0o600});
		return ['--client-credentials', '--client-id', context.client_id, ...(typeof context.private_key_pem === 'string' ? ['--private-key', key] : ['--client-secret', context.client_secret])];
	}

	// A pre-registered client when the scenario gives one; else the metadata document, which the login
	// uses only where the authorization server supports them (it registers a client elsewhere).
	if (typeof context.client_id !== 'string') return ['--client-metadata-url', clientMetadataUrl];
	return ['--client-id', context.client_id, ...(typeof context.client_secret === 'string' ? ['--client-secret', context.client_secret] : [])];
}

function main() {
	const url = process.argv.at(-1);
	if (url === undefined || !/^https?:/.test(url)) {
		process.stderr.write('usage: client.mjs <MCP server URL>\n');
		return 2;
	}

	const home = mkdtempSync(join(tmpdir(), 'maw-conformance-'));
	const env = {...process.env, MCP_AUTH_WIZARD_HOME: home, BROWSER: browser};
	const run = args => {
		const child = spawnSync(process.execPath, [cli, ...args], {env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
		// The suite keeps both streams with its results: what our CLI said is there to read.
		process.stdout.write(child.stdout);
		process.stderr.write(child.stderr);
		return child.status ?? 1;
	};

	try {
		// The MCP check is verify's: one MCP client per scenario, not two.
		const login = run(['login', url, '--json', '--no-verify', ...contextArgs(home)]);
		if (login !== 0) return login;
		return run(['verify', url, '--call', 'test-tool', '--yes', '--json']);
	} finally {
		rmSync(home, {recursive: true, force: true});
	}
}

process.exit(main());
