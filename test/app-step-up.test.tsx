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
	const toTool = async () => {
		await press(stdin, 'v');
		const checked = await frameWith(lastFrame, 'c call a tool');
		const tools = /\(([^)]*)\), protocol/.exec(checked.replaceAll('\n', ' '))![1]!.split(', ');
		await press(stdin, 'c');
		await frameWith(lastFrame, 'Call which tool');
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
		await press(stdin, keys.enter);
		await registerAndLogIn({stdin, lastFrame});
		expect(JSON.parse(file.sandbox.requests.registration.at(-1)!.body).scope).toContain(scope);
		expect(file.sandbox.requests.authorization.at(-1)!.query['scope']).toContain(scope);

		await toTool();
		await frameWith(lastFrame, `${tool} answered`);
		expect(file.sandbox.requests.mcp.at(-1)!.headers['authorization']).toMatch(/^Bearer /);
	} finally {
		unmount();
	}
});
