import {readdirSync, readFileSync} from 'node:fs';
import http from 'node:http';
import type {AddressInfo} from 'node:net';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {type ReactNode, useEffect} from 'react';
import {frameWith, keys, press} from '../helpers/ink.js';
import type {Answer} from '../helpers/json-server.js';

/** The byte a raw terminal sends for Ctrl-C. */
export const ctrlC = '\u0003';

/** BROWSER for a user who closes the tab: it never visits the login URL. */
export const closedBrowser = fileURLToPath(new URL('closed-browser.mjs', import.meta.url));

/** BROWSER for a user who logs in on another device only: the browser login's URL is never visited. */
export const deviceOnlyBrowser = fileURLToPath(new URL('device-only-browser.mjs', import.meta.url));

/** Ink wraps long lines at word boundaries, in boxes: prose is compared with line breaks and borders as spaces. */
export const prose = (frame: string | undefined) => (frame ?? '').replaceAll(/[\s│]+/g, ' ');

type At = {readonly stdin: {write(data: string): void}; readonly lastFrame: () => string | undefined};

/** From the saved-server list to the screen of the server saved as `name`. */
export async function openSavedServer({stdin, lastFrame}: At, name: string): Promise<void> {
	await frameWith(lastFrame, 'saved servers');
	await frameWith(lastFrame, name);
	await press(stdin, keys.enter);
	await frameWith(lastFrame, 'a re-authorize');
}

/** Calls `onUnmount` when Ink unmounts the tree, as the App's exit() does. */
export function Probe({children, onUnmount}: {readonly children: ReactNode; readonly onUnmount: () => void}): ReactNode {
	useEffect(() => onUnmount, []);
	return children;
}

/** The store directory: every file's bytes by name (a lock directory or a temporary file shows too). */
export function storeSnapshot(home: string): Record<string, Buffer | 'directory'> {
	return Object.fromEntries(readdirSync(home, {withFileTypes: true}).map(entry => [entry.name, entry.isDirectory() ? 'directory' : readFileSync(join(home, entry.name))]));
}

/** Answers that never come: the request stays open until the client gives up on it. */
export const stall = 'stall';

export type StallingServer = {
	readonly origin: string;
	/** "METHOD /path" of every request, in order. */
	readonly seen: string[];
	/** How many requests are held open now: a client that aborts one brings it down. */
	readonly held: () => number;
	close(): Promise<void>;
};

/**
 * A small strict server on 127.0.0.1 whose routes ("METHOD /path" or "/path") answer JSON, or stall;
 * 404 otherwise. It tells how many stalled requests their clients still hold open.
 */
export async function startStallingServer(routes: (origin: string) => Record<string, Answer | typeof stall>): Promise<StallingServer> {
	const seen: string[] = [];
	const open = new Set<http.ServerResponse>();
	let table: Record<string, Answer | typeof stall> = {};
	let closing: Promise<void> | undefined;
	const server = http.createServer((request, response) => {
		const method = request.method ?? 'GET';
		const path = (request.url ?? '/').split('?')[0]!;
		seen.push(`${method} ${path}`);
		const route = table[`${method} ${path}`] ?? table[path];
		request.resume();
		if (route === stall) {
			open.add(response);
			response.once('close', () => open.delete(response));
			return;
		}

		const answer = route ?? {status: 404, body: {error: 'not found'}};
		response.writeHead(answer.status ?? 200, {'content-type': 'application/json', ...answer.headers});
		response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
	});
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	table = routes(origin);
	return {
		origin,
		seen,
		held: () => open.size,
		async close() {
			closing ??= new Promise<void>(resolve => {
				server.close(() => resolve());
				server.closeAllConnections();
			});
			await closing;
		},
	};
}
