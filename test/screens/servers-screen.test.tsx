import {Profiler} from 'react';
import {afterEach, expect, it, vi} from 'vitest';
import {ServersScreen, type ServersScreenProps} from '../../source/screens/servers-screen.js';
import {advanceClock, frameWith, keys, press, render} from '../helpers/ink.js';
import {fastmailServer, serversInEveryStatus, start} from '../helpers/saved-servers.js';

const servers = serversInEveryStatus.map(({server}) => server);

function props(overrides: Partial<ServersScreenProps> = {}): ServersScreenProps {
	return {servers, notices: [], now: () => start, onOpen: vi.fn(), onAdd: vi.fn(), ...overrides};
}

afterEach(() => {
	vi.useRealTimers();
});

it('shows every server with its status as a label and a mark, its URL, issuer and scopes', async () => {
	const {lastFrame, unmount} = await render(<ServersScreen {...props()}/>);
	const frame = await frameWith(lastFrame, 'Saved servers (6)');
	for (const {server, label, mark} of serversInEveryStatus) {
		const line = frame.split('\n').find(row => row.includes(` ${server.name} `));
		expect(line, server.name).toBeDefined();
		expect(line).toContain(`${mark} ${server.name}`);
		expect(line).toContain(label);
		expect(line).toContain(server.mcpUrl);
		expect(frame).toContain(`issuer ${server.issuer}`);
	}

	expect(frame).toContain('scopes https://www.fastmail.com/dev/mcp');
	expect(frame).toContain('scopes read offline_access');
	expect(frame).toContain('+ Log in to a new server');
	expect(frame).toContain('↑↓ choose · Enter open · n new server · Esc back · t trace · q quit');
	expect(frame).not.toContain('No saved servers yet.');
	unmount();
});

it('aligns the columns', async () => {
	const {lastFrame, unmount} = await render(<ServersScreen {...props()}/>);
	const frame = await frameWith(lastFrame, 'Saved servers');
	const rows = frame.split('\n').filter(row => servers.some(server => row.includes(server.mcpUrl)));
	expect(rows).toHaveLength(servers.length);
	const columnOf = (text: (index: number) => string) => new Set(rows.map((row, index) => row.indexOf(text(index))));
	expect(columnOf(index => ` ${servers[index]!.name} `).size).toBe(1);
	expect(columnOf(index => serversInEveryStatus[index]!.label).size).toBe(1);
	expect(columnOf(index => servers[index]!.mcpUrl).size).toBe(1);
	// The issuers too, on the line under each server.
	const issuerRows = frame.split('\n').filter(row => row.includes('issuer '));
	expect(new Set(issuerRows.map(row => row.indexOf('scopes '))).size).toBe(1);
	unmount();
});

it('shows the store notices above the list', async () => {
	const notices = ['servers.json was not valid JSON: moved aside to servers.json.broken-1', 'Permissions of servers.json tightened to 600'];
	const {lastFrame, unmount} = await render(<ServersScreen {...props({notices})}/>);
	const frame = await frameWith(lastFrame, notices[0]!);
	expect(frame).toContain(notices[1]);
	expect(frame.indexOf(notices[1]!)).toBeLessThan(frame.indexOf('fastmail'));
	unmount();
});

it('counts down once a second, with one render a second', async () => {
	vi.useFakeTimers({shouldAdvanceTime: false});
	vi.setSystemTime(start);
	let commits = 0;
	const {lastFrame, frames, unmount} = await render(
		<Profiler id="servers" onRender={() => commits++}>
			<ServersScreen {...props({now: undefined})}/>
		</Profiler>,
	);
	// Lets the first frame and the clock's effect (its interval on the fake clock) happen.
	await advanceClock(0);
	expect(lastFrame()).toContain('expires in 30s');
	await advanceClock(1000);
	expect(lastFrame()).toContain('expires in 29s');
	expect(lastFrame()).toContain('valid for 41m');

	const seconds = 5;
	const [commitsBefore, framesBefore] = [commits, frames.length];
	for (let second = 0; second < seconds; second++) await advanceClock(1000);
	expect(lastFrame()).toContain('expires in 24s');
	expect(commits - commitsBefore).toBeGreaterThanOrEqual(seconds);
	expect(commits - commitsBefore).toBeLessThanOrEqual(seconds + 1);
	expect(frames.length - framesBefore).toBeLessThanOrEqual(seconds + 1);
	unmount();
});

it('turns a status over when its time comes', async () => {
	vi.useFakeTimers({shouldAdvanceTime: false});
	vi.setSystemTime(start);
	const [expiring] = serversInEveryStatus.filter(({label}) => label === 'expires in 30s');
	const {lastFrame, unmount} = await render(<ServersScreen {...props({servers: [expiring!.server], now: undefined})}/>);
	await advanceClock(0);
	expect(lastFrame()).toContain('! linear');
	await advanceClock(31_000);
	expect(lastFrame()).toContain('↻ linear');
	expect(lastFrame()).toContain('expired, refresh token available');
	unmount();
});

it('opens the server under the cursor on Enter', async () => {
	const onOpen = vi.fn();
	const {lastFrame, stdin, unmount} = await render(<ServersScreen {...props({onOpen})}/>);
	await frameWith(lastFrame, 'Saved servers');
	await press(stdin, keys.enter);
	expect(onOpen).toHaveBeenLastCalledWith(servers[0]!.name);
	await press(stdin, keys.down, keys.down, keys.enter);
	expect(onOpen).toHaveBeenLastCalledWith(servers[2]!.name);
	unmount();
});

it('starts with the cursor on the initial selection', async () => {
	const onOpen = vi.fn();
	const {lastFrame, stdin, unmount} = await render(<ServersScreen {...props({onOpen, initialSelection: servers[3]!.name})}/>);
	const frame = await frameWith(lastFrame, 'Saved servers');
	expect(frame.split('\n').find(row => row.includes('❯'))).toContain(servers[3]!.name);
	await press(stdin, keys.enter);
	expect(onOpen).toHaveBeenCalledExactlyOnceWith(servers[3]!.name);
	unmount();
});

it('logs in to a new server from the last row, or on n', async () => {
	const onAdd = vi.fn();
	const onOpen = vi.fn();
	const {lastFrame, stdin, unmount} = await render(<ServersScreen {...props({servers: [fastmailServer()], onAdd, onOpen})}/>);
	await frameWith(lastFrame, 'fastmail');
	await press(stdin, keys.down);
	expect(lastFrame()).toContain('❯ + Log in to a new server');
	await press(stdin, keys.enter);
	expect(onAdd).toHaveBeenCalledOnce();
	await press(stdin, 'n');
	expect(onAdd).toHaveBeenCalledTimes(2);
	expect(onOpen).not.toHaveBeenCalled();
	unmount();
});

it('with no server, says so and offers only the new login', async () => {
	const onAdd = vi.fn();
	const {lastFrame, stdin, unmount} = await render(<ServersScreen {...props({servers: [], onAdd})}/>);
	const frame = await frameWith(lastFrame, 'No saved servers yet.');
	expect(frame).toContain('❯ + Log in to a new server');
	await press(stdin, keys.enter);
	expect(onAdd).toHaveBeenCalledOnce();
	unmount();
});
