import {render} from 'ink-testing-library';
import {afterAll, beforeAll, expect, it} from 'vitest';
import {App} from '../source/app.js';
import {createHttpClient} from '../source/core/http.js';
import {type Sandbox, startSandbox} from '../source/sandbox/index.js';
import {openConfStore} from '../source/store/conf-store.js';
import {coreSteps, createTraceFeed, type WizardServices} from '../source/wizard/services.js';
import {frameWith, keys, press} from './helpers/ink.js';
import {scriptedBrowser, temporaryHome} from './helpers/run-cli.js';

const mcpScope = 'https://www.fastmail.com/dev/mcp';
let sandbox: Sandbox;
const home = temporaryHome();

beforeAll(async () => {
	sandbox = await startSandbox();
});

afterAll(async () => {
	await sandbox.close();
	home.remove();
});

function services(): WizardServices {
	const trace = createTraceFeed();
	return {
		http: createHttpClient({onExchange: trace.push}),
		trace,
		store: openConfStore({home: home.path}),
		env: {...process.env, BROWSER: scriptedBrowser},
		options: {},
		core: coreSteps,
	};
}

it('walks every step against the sandbox, from the URL to the live token status', async () => {
	const wizard = services();
	const {stdin, lastFrame, unmount} = render(<App services={wizard} />);
	try {
		// 1. URL
		await frameWith(lastFrame, 'https://example.com/mcp');
		await press(stdin, ...sandbox.mcpUrl, keys.enter);

		// 2-3. Discovery, then the metadata with its key fields.
		await frameWith(lastFrame, 'authorization_endpoint');
		expect(lastFrame()).toContain(`${sandbox.issuer}/oauth/register`);

		// 4. Scopes: the spec's defaults preselected, the scope string live.
		await press(stdin, keys.enter);
		const scopes = await frameWith(lastFrame, 'urn:ietf:params:oauth:scope:mail');
		expect(scopes).toContain(`${mcpScope} offline_access`);

		// 5. Registration preview with the scope in the body, then the 201.
		await press(stdin, keys.enter);
		const preview = await frameWith(lastFrame, '"scope"');
		expect(preview).toContain(`"scope": "${mcpScope} offline_access"`);
		expect(preview).toContain('"redirect_uris"');
		await press(stdin, keys.enter);
		await frameWith(lastFrame, '201');
		expect(JSON.parse(sandbox.requests.registration.at(-1)!.body).scope).toBe(`${mcpScope} offline_access`);

		// 6-7. The browser login (the scripted browser signs in), then the token status.
		await press(stdin, keys.enter);
		const tokens = await frameWith(lastFrame, 'Saved');
		expect(tokens).toContain(mcpScope);
		expect(tokens).toMatch(/expires in (\d+h )?\d+m/);
		expect(tokens).not.toContain(wizard.store.list()[0]!.tokens!.accessToken);
		expect(sandbox.requests.authorization.at(-1)!.query['resource']).toBe(sandbox.mcpUrl);

		// The MCP check from the token screen.
		await press(stdin, 'v');
		await frameWith(lastFrame, 'sandbox-fastmail');

		// The trace panel shows the exchanges so far.
		await press(stdin, 't');
		const trace = await frameWith(lastFrame, 'HTTP trace');
		expect(trace).toContain('/oauth/register');
		await press(stdin, 't');
		await frameWith(lastFrame, 'sandbox-fastmail');
	} finally {
		unmount();
	}
});
