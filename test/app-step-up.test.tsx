import {expect, it} from 'vitest';
import {App} from '../source/wizard/app.js';
import {frameWith, keys, press, render} from './helpers/ink.js';
import {registerAndLogIn, sandboxForFile, throughScopes, wizardServices} from './helpers/wizard.js';

const file = sandboxForFile({profile: 'step-up'});
const {home} = file;

it('offers step-up from the token screen when a tool needs another scope, and logs in again with both', async () => {
	const services = wizardServices(home.path);
	const {tool, scope} = file.sandbox.stepUp!;
	const {stdin, lastFrame, unmount} = await render(<App services={services} initialUrl={file.sandbox.mcpUrl} />);
	// c with no check made yet: the tools are listed first.
	const toTool = async () => {
		await press(stdin, 'c');
		const picker = await frameWith(lastFrame, 'Call which tool');
		const tools = /\(([^)]*)\), protocol/.exec(picker.replaceAll('\n', ' '))![1]!.split(', ');
		await press(stdin, ...Array.from({length: tools.indexOf(tool)}, () => keys.down), keys.enter);
	};

	try {
		await throughScopes({stdin, lastFrame});
		await registerAndLogIn({stdin, lastFrame});

		await toTool();
		const refused = await frameWith(lastFrame, 'log in again with');
		expect(refused).toContain(`The server asks for: ${file.sandbox.mcpScope} ${scope}`);
		await press(stdin, keys.enter);
		const scopes = await frameWith(lastFrame, 'step-up');
		expect(scopes).toContain(scope);
		// Its own step-up replaces nothing it should be warned of.
		expect(scopes).not.toContain('Saved already');
		await press(stdin, keys.enter);
		await registerAndLogIn({stdin, lastFrame});
		// Saved as the same login, with the new scopes: not beside it.
		expect(services.store.list().map(server => [server.name, server.scopes.includes(scope)])).toEqual([['127.0.0.1', true]]);
		expect(JSON.parse(file.sandbox.requests.registration.at(-1)!.body).scope).toContain(scope);
		expect(file.sandbox.requests.authorization.at(-1)!.query['scope']).toContain(scope);

		// The refused call is made again with the new token, as the CLI does.
		await frameWith(lastFrame, `${tool} answered`);
		expect(file.sandbox.requests.mcp.at(-1)!.headers['authorization']).toMatch(/^Bearer /);
		// And another call is a key away.
		expect(lastFrame()).toContain('c call another tool');
	} finally {
		unmount();
	}
});
