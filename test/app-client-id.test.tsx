import {expect, it} from 'vitest';
import {App} from '../source/wizard/app.js';
import {frameWith, keys, press, render} from './helpers/ink.js';
import {startTestSandbox} from './helpers/secret-scan.js';
import {sandboxForFile, throughScopes, wizardServices} from './helpers/wizard.js';

const file = sandboxForFile({profile: 'preregistered'});
const {home} = file;

it('asks for a pre-registered client when the server registers none, and logs in with it', async () => {
	const services = wizardServices(home.path);
	const {clientId, clientSecret} = file.sandbox.preregisteredClient!;
	const {stdin, lastFrame, unmount} = await render(<App services={services} initialUrl={file.sandbox.mcpUrl} />);
	try {
		await throughScopes({stdin, lastFrame});
		await frameWith(lastFrame, 'offers no dynamic client registration');
		// The redirect URI to register comes once the loopback listener is up.
		const asked = await frameWith(lastFrame, '/callback');
		expect(asked).toMatch(/http:\/\/127\.0\.0\.1:\d+\/callback/);
		await press(stdin, clientId, keys.enter);
		await frameWith(lastFrame, 'Client secret');
		await press(stdin, clientSecret, keys.enter);
		const chosen = await frameWith(lastFrame, clientId);
		expect(chosen).not.toContain(clientSecret);
		await press(stdin, keys.enter);
		await frameWith(lastFrame, 'Saved as');
		expect(file.sandbox.requests.registration).toHaveLength(0);
		expect(file.sandbox.requests.token.at(-1)!.headers['authorization']).toMatch(/^Basic /);
		expect(lastFrame()).not.toContain(clientSecret);
	} finally {
		unmount();
	}
});

it('checks a Client ID Metadata Document and logs in with its URL as the client id', async () => {
	const documentSandbox = await startTestSandbox({profile: 'client-metadata-document'});
	const url = documentSandbox.clientMetadataDocumentUrl!;
	const services = wizardServices(home.path, {clientMetadataUrl: url});
	const {stdin, lastFrame, unmount} = await render(<App services={services} initialUrl={documentSandbox.mcpUrl} />);
	try {
		await throughScopes({stdin, lastFrame});
		const checked = await frameWith(lastFrame, 'covers the loopback callback');
		expect(checked).toContain('client_id is the document');
		await press(stdin, keys.enter);
		await frameWith(lastFrame, 'Saved as');
		expect(documentSandbox.requests.registration).toHaveLength(0);
		expect(documentSandbox.requests.authorization.at(-1)!.query['client_id']).toBe(url);
	} finally {
		unmount();
		await documentSandbox.close();
	}
});

it('shows which way to a client id applies, and lets the user pick another the server supports', async () => {
	const fastmail = await startTestSandbox();
	const services = wizardServices(home.path);
	const {stdin, lastFrame, unmount} = await render(<App services={services} initialUrl={fastmail.mcpUrl} />);
	try {
		await throughScopes({stdin, lastFrame});
		await frameWith(lastFrame, 'Client: dynamic registration (RFC 7591), since');
		expect(lastFrame()).toMatch(/since the authorization server offers dynamic\s+client\s+registration\./);
		await frameWith(lastFrame, 'w another way');
		await press(stdin, 'w');
		const picker = await frameWith(lastFrame, 'How should this login get its client id?');
		expect(picker).toContain('Register a client (now)');
		expect(picker).not.toContain('Client ID Metadata Document');
		// The sandbox's Fastmail does not list client_credentials in grant_types_supported.
		expect(picker).not.toContain('acting as itself');
		await press(stdin, keys.down, keys.enter);
		await frameWith(lastFrame, 'Client id:');
		expect(fastmail.requests.registration).toHaveLength(0);
	} finally {
		unmount();
		await fastmail.close();
	}
});
