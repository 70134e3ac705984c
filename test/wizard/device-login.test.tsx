import {afterAll, beforeAll, expect, it} from 'vitest';
import {App} from '../../source/wizard/app.js';
import {deviceCodeGrant} from '../../source/core/device.js';
import type {Sandbox} from '../../source/sandbox/index.js';
import {frameWith, keys, press, render} from '../helpers/ink.js';
import {temporaryHome} from '../helpers/run-cli.js';
import {startTestSandbox} from '../helpers/secret-scan.js';
import {throughScopes, wizardServices} from '../helpers/wizard.js';
import {deviceOnlyBrowser, prose} from './helpers.js';

// The login on another device (RFC 8628) in the wizard: offered on the login screen where the
// authorization server has it, and back to the browser login with b.
let sandbox: Sandbox;
const homes = [temporaryHome(), temporaryHome()];

beforeAll(async () => {
	sandbox = await startTestSandbox({profile: 'device-flow'});
});

afterAll(async () => {
	await sandbox.close();
	for (const home of homes) home.remove();
});

const grantsOf = (body: string) => new URLSearchParams(body).get('grant_type');

it('d on the login screen gives a code for another device, shows where to enter it, and logs in when it is approved there', async () => {
	const services = {...wizardServices(homes[0]!.path), env: {...process.env, BROWSER: deviceOnlyBrowser}};
	const {stdin, lastFrame, frames, unmount} = await render(<App services={services} initialUrl={sandbox.mcpUrl} />);
	try {
		await throughScopes({stdin, lastFrame});
		// The client may log in either way: the device grant is in its registration, shown before it is sent.
		await frameWith(lastFrame, '"scope"');
		await press(stdin, keys.down, keys.down, keys.down);
		await frameWith(lastFrame, deviceCodeGrant);
		await press(stdin, keys.enter);
		await frameWith(lastFrame, '201');
		await press(stdin, keys.enter);
		const browserLogin = await frameWith(lastFrame, 'Waiting for the browser');
		expect(browserLogin).toContain('d code for another device');

		await press(stdin, 'd');
		const device = prose(await frameWith(lastFrame, 'Log in on another device'));
		expect(device).toMatch(new RegExp(`On any device, open ${sandbox.issuer}/oauth2/device and enter the code \\w{4}-\\w{4}`));
		expect(device).toContain('b log in with a browser here');
		expect(frames.some(frame => frame.includes(`${sandbox.issuer}/oauth2/device?user_code=`))).toBe(true);
		const saved = await frameWith(lastFrame, 'Saved as');
		expect(saved).toContain('Logged in');
		expect(sandbox.requests.deviceAuthorization).toHaveLength(1);
		expect(sandbox.requests.token.map(request => grantsOf(request.body))).toEqual([deviceCodeGrant]);
		expect(services.store.list()[0]?.tokens?.refreshToken).toEqual(expect.any(String));
	} finally {
		unmount();
	}
});

it('b leaves the code for the browser login again', async () => {
	const services = {...wizardServices(homes[1]!.path), env: {...process.env, BROWSER: deviceOnlyBrowser}};
	const {stdin, lastFrame, unmount} = await render(<App services={services} initialUrl={sandbox.mcpUrl} />);
	try {
		await throughScopes({stdin, lastFrame});
		await frameWith(lastFrame, '"scope"');
		await press(stdin, keys.enter);
		await frameWith(lastFrame, '201');
		await press(stdin, keys.enter);
		await frameWith(lastFrame, 'Waiting for the browser');
		// A user who would rather not: d, then b before approving anything.
		services.env = {...process.env, BROWSER: '/nonexistent-browser'};
		await press(stdin, 'd');
		await frameWith(lastFrame, 'and enter the code');
		await press(stdin, 'b');
		const again = await frameWith(lastFrame, 'Log in with your browser');
		expect(again).toContain('d code for another device');
	} finally {
		unmount();
	}
});
