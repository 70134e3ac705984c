import {expect, it, vi} from 'vitest';
import {App} from '../../source/wizard/app.js';
import {frameWith, keys, press, render} from '../helpers/ink.js';
import {fastmailServer} from '../helpers/saved-servers.js';
import {sandboxForFile, toLoginWait, wizardServices} from '../helpers/wizard.js';
import {closedBrowser, prose, storeSnapshot} from './helpers.js';

const file = sandboxForFile();
const {home} = file;

it('says what to do when the browser tab is closed, and after the timeout that nothing was saved', async () => {
	const base = wizardServices(home.path, {timeoutMs: 3000});
	const services = {...base, env: {...base.env, BROWSER: closedBrowser}};
	await services.store.save(fastmailServer());
	const before = storeSnapshot(home.path);
	const {stdin, lastFrame, unmount} = await render(<App services={services} initialUrl={file.sandbox.mcpUrl} />);
	try {
		await toLoginWait({stdin, lastFrame});
		// Said once the opener has exited 0 (one that fails says so instead).
		const waiting = prose(await frameWith(lastFrame, 'Opened with BROWSER='));
		expect(waiting).toContain('Closed the browser, or lost the page? o opens the login page again; p takes the address the browser ended on; Esc goes back.');
		expect(waiting).toMatch(/Otherwise the wait ends in 0:0[0-3] and nothing is saved\./);
		const redirectUri = /Redirect URI (http:\/\/127\.0\.0\.1:\d+\/callback)/.exec(waiting)![1]!;

		await vi.waitFor(() => {
			expect(lastFrame()).toContain('The browser never came back');
		}, {timeout: 10_000});
		const timedOut = prose(lastFrame());
		expect(timedOut).toContain(`No login callback reached ${redirectUri} within 3s: the browser tab was closed, or the login was not finished there. Nothing was saved.`);
		expect(timedOut).toContain('Try: Enter logs in again, on a new login page. If the browser cannot reach this machine, press p on that page and paste the address the browser ends on.');
		expect(timedOut).toContain('Enter log in again · Esc back · t trace · q quit');
		await expect(fetch(redirectUri)).rejects.toThrow();
		expect(storeSnapshot(home.path)).toEqual(before);

		// Enter: a new login, listening again on the registered redirect URI.
		await press(stdin, keys.enter);
		const again = prose(await frameWith(lastFrame, 'Waiting for the browser'));
		expect(again).toContain(`Redirect URI ${redirectUri}`);
		expect((await fetch(new URL('/', redirectUri))).status).toBe(404);
	} finally {
		unmount();
	}
});

it('waits as long as --timeout says, also past 24.8 days (a longer timer would end the wait at once)', async () => {
	const base = wizardServices(home.path, {timeoutMs: 30 * 24 * 3600 * 1000});
	const services = {...base, env: {...base.env, BROWSER: closedBrowser}};
	const {stdin, lastFrame, unmount} = await render(<App services={services} initialUrl={file.sandbox.mcpUrl} />);
	try {
		const first = /the wait ends in ([\w :]+?) and/.exec(prose(await toLoginWait({stdin, lastFrame})))?.[1];
		expect(first).toMatch(/^(30d 0:00:00|29d 23:59:5\d)$/);
		// The clock moves on while the wait goes on: at least a second passed without the wait ending.
		await vi.waitFor(() => {
			const now = prose(lastFrame());
			expect(now).not.toContain('The browser never came back');
			expect(/the wait ends in ([\w :]+?) and/.exec(now)?.[1]).not.toBe(first);
		}, {timeout: 10_000});
		expect(prose(lastFrame())).toContain('Waiting for the browser');
	} finally {
		unmount();
	}
});
