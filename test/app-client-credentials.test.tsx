import {generateKeyPairSync} from 'node:crypto';
import {writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {expect, it, onTestFinished} from 'vitest';
import {openConfStore} from '../source/store/conf-store.js';
import {App} from '../source/wizard/app.js';
import {frameWith, keys, press, render} from './helpers/ink.js';
import {startTestSandbox} from './helpers/secret-scan.js';
import {temporaryHome} from './helpers/run-cli.js';
import {pickWay, sandboxForFile, wizardServices} from './helpers/wizard.js';
import {prose} from './wizard/helpers.js';

// The wizard's way to a client acting as itself (client_credentials, MCP extension SEP-1046), against
// the sandbox's profile for it: a pre-registered client, no registration endpoint, no user.
const file = sandboxForFile({profile: 'client-credentials'});
const {home} = file;

const formOf = (body: string) => Object.fromEntries(new URLSearchParams(body));

it('offers a client acting as itself where the server lists the grant, gets its token with no browser, and renews it by the same grant', async () => {
	const services = wizardServices(home.path);
	const {clientId, clientSecret} = file.sandbox.preregisteredClient!;
	const {stdin, lastFrame, unmount} = await render(<App services={services} initialUrl={file.sandbox.mcpUrl} />);
	try {
		const picker = await pickWay({stdin, lastFrame}, 'A client acting as itself, no user', 1);
		expect(picker).toContain('Enter a client id');
		const asked = await frameWith(lastFrame, 'A client acting as itself');
		// No browser, so no redirect URI to register.
		expect(asked).not.toContain('/callback');
		await press(stdin, clientId, keys.enter);
		await frameWith(lastFrame, 'empty to use a private key file');
		await press(stdin, clientSecret, keys.enter);
		const client = await frameWith(lastFrame, 'Enter get its token');
		expect(client).toContain(`Using the pre-registered client ${clientId} (client_secret_basic`);
		expect(client).not.toContain(clientSecret);
		await press(stdin, keys.enter);
		const tokens = await frameWith(lastFrame, 'Saved as');
		expect(prose(tokens)).toContain('client credentials: the client acting as itself, no user');
		expect(prose(tokens)).toContain('none needed: a new token by the same grant');
		expect(file.sandbox.requests.authorization).toHaveLength(0);
		const request = formOf(file.sandbox.requests.token.at(-1)!.body);
		expect(request).toMatchObject({grant_type: 'client_credentials', resource: file.sandbox.mcpUrl});
		expect(request['scope']?.split(' ')).not.toContain('offline_access');
		expect(file.sandbox.requests.token.at(-1)!.headers['authorization']).toMatch(/^Basic /);
		const saved = openConfStore({home: home.path}).list();
		expect(saved.map(server => server.grant)).toEqual(['client_credentials']);

		// r: a new token by the same grant (there is no refresh token).
		const before = file.sandbox.requests.token.length;
		await press(stdin, 'r');
		await frameWith(lastFrame, '✓ a new token at');
		expect(file.sandbox.requests.token).toHaveLength(before + 1);
		expect(formOf(file.sandbox.requests.token.at(-1)!.body)['grant_type']).toBe('client_credentials');
	} finally {
		unmount();
	}
}, 60_000);

it('takes a private key from a file instead of a secret: says why a file cannot be used, and signs the token request with a good one', async () => {
	const own = temporaryHome();
	onTestFinished(() => own.remove());
	const services = wizardServices(own.path);
	const keyFile = join(own.path, 'client.pem');
	writeFileSync(keyFile, generateKeyPairSync('ec', {namedCurve: 'prime256v1'}).privateKey.export({type: 'pkcs8', format: 'pem'}).toString(), {mode: 0o600});
	const {stdin, lastFrame, unmount} = await render(<App services={services} initialUrl={file.sandbox.mcpUrl} />);
	try {
		await pickWay({stdin, lastFrame}, 'A client acting as itself, no user', 1);
		await frameWith(lastFrame, 'Client id:');
		await press(stdin, 'key-client', keys.enter);
		await frameWith(lastFrame, 'empty to use a private key file');
		await press(stdin, keys.enter);
		await frameWith(lastFrame, 'Private key file (PEM):');
		await press(stdin, join(own.path, 'missing.pem'), keys.enter);
		await frameWith(lastFrame, 'ENOENT');
		// A new field: what was typed may have been the key itself, which is never shown.
		await press(stdin, keyFile, keys.enter);
		const client = await frameWith(lastFrame, 'a private key, never shown');
		expect(client).toContain('private_key_jwt');
		const before = file.sandbox.requests.token.length;
		await press(stdin, keys.enter);
		// The sandbox's client authenticates with its secret only: the assertion is refused, and said so.
		const refused = await frameWith(lastFrame, 'r try again');
		expect(prose(refused)).toContain('did not accept the client\'s credentials: check the client id and its secret, or that it knows the client\'s public key');
		const request = formOf(file.sandbox.requests.token.at(before)!.body);
		expect(request).toMatchObject({grant_type: 'client_credentials', client_id: 'key-client', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'});
		const [, payload] = request['client_assertion']!.split('.');
		expect(JSON.parse(Buffer.from(payload!, 'base64url').toString())).toMatchObject({iss: 'key-client', sub: 'key-client'});
		expect(file.sandbox.requests.token.at(before)!.headers['authorization']).toBeUndefined();
	} finally {
		unmount();
	}
}, 60_000);

it('goes on where the browser login cannot (no S256), straight to the one way without a browser', async () => {
	const noS256 = await startTestSandbox({profile: 'client-credentials', faults: {noS256: true}});
	const own = temporaryHome();
	onTestFinished(async () => {
		own.remove();
		await noS256.close();
	});
	const {stdin, lastFrame, unmount} = await render(<App services={wizardServices(own.path)} initialUrl={noS256.mcpUrl} />);
	try {
		// The finding (further down the screen) concerns the browser login only: Enter still goes on.
		await frameWith(lastFrame, 'Enter choose scopes');
		await press(stdin, keys.enter);
		await frameWith(lastFrame, 'Which scopes');
		await press(stdin, keys.enter);
		await frameWith(lastFrame, 'A client acting as itself');
		expect(lastFrame()).toContain('Client id:');
	} finally {
		unmount();
	}
}, 60_000);
