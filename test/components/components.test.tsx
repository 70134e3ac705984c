import {Text} from 'ink';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {Countdown} from '../../source/components/countdown.js';
import {Elapsed} from '../../source/components/elapsed.js';
import {ErrorBox} from '../../source/components/error-box.js';
import {JsonView} from '../../source/components/json-view.js';
import {KeyHints} from '../../source/components/key-hints.js';
import {ScrollView} from '../../source/components/scroll-view.js';
import {TracePanel} from '../../source/components/trace-panel.js';
import type {Exchange} from '../../source/core/http.js';
import {advanceClock, frameWith, keys, press, render} from '../helpers/ink.js';
import {Text as SafeText} from '../../source/components/text.js';

afterEach(() => {
	vi.useRealTimers();
});

it('KeyHints puts the keys on one line', async () => {
	const {lastFrame, unmount} = await render(<KeyHints hints={[['Enter', 'continue'], ['Esc', 'back'], ['t', 'trace'], ['q', 'quit']]}/>);
	await frameWith(lastFrame, 'Enter continue · Esc back · t trace · q quit');
	unmount();
});

describe('ErrorBox', () => {
	it('shows the message, the server\'s body verbatim and the hint', async () => {
		const body = '{\n  "error": "invalid_client_metadata",\n  "error_description": "redirect_uris: http not allowed"\n}';
		const {lastFrame, unmount} = await render(<ErrorBox title="Registration failed" message="Registration refused with HTTP 400" hint="Ask the operator." answer={{url: 'https://as.example.com/register', status: 400, body}}/>);
		const frame = await frameWith(lastFrame, 'Registration failed');
		expect(frame).toContain('The server said (HTTP 400 from https://as.example.com/register):');
		expect(frame).toContain('  "error_description": "redirect_uris: http not allowed"');
		expect(frame).toContain('Try: Ask the operator.');
		unmount();
	});

	it('cuts a long body at 40 lines and shows terminal control sequences instead of obeying them', async () => {
		const body = ['\u001B]52;c;ZXZpbA==\u0007<html>', ...Array.from({length: 59}, (_, index) => `line ${index + 2}`)].join('\n');
		const {lastFrame, unmount} = await render(<ErrorBox message="HTTP 502" hint="Try later." answer={{url: 'https://as.example.com/token', status: 502, body}}/>);
		const frame = await frameWith(lastFrame, 'line 40');
		expect(frame).not.toContain('line 41');
		expect(frame).toContain('… 20 more lines');
		expect(frame).toContain('\\x1b]52;c;ZXZpbA==\\x07<html>');
		expect(frame).not.toContain('\u001B');
		unmount();
	});
});

it('JsonView pretty-prints with 2 spaces in the given key order and marks highlighted members', async () => {
	const {lastFrame, unmount} = await render(<JsonView value={{client_name: 'x', scope: 'a b', redirect_uris: ['http://127.0.0.1:1/callback']}} highlight={['scope', 'redirect_uris']}/>);
	await frameWith(lastFrame, '}');
	expect(lastFrame()).toMatchInlineSnapshot(`
		"{
		  "client_name": "x",
		  "scope": "a b",  ◀
		  "redirect_uris": [  ◀
		    "http://127.0.0.1:1/callback"  ◀
		  ]  ◀
		}"
	`);
	unmount();
});

describe('ScrollView', () => {
	const lines = Array.from({length: 30}, (_, index) => `line ${index + 1}`);
	const visible = (frame: string | undefined) => (frame ?? '').split('\n').filter(line => line.startsWith('line '));

	it('shows a window of the lines and scrolls with the arrows, pages, Home and End', async () => {
		const {lastFrame, stdin, unmount} = await render(<ScrollView lines={lines} height={6}/>);
		await frameWith(lastFrame, '↓ 25 more lines');
		expect(visible(lastFrame())).toEqual(['line 1', 'line 2', 'line 3', 'line 4', 'line 5']);
		await press(stdin, keys.down);
		expect(visible(lastFrame())[0]).toBe('line 2');
		expect(lastFrame()).toContain('↑ 1 above · ↓ 24 more lines');
		await press(stdin, keys.pageDown);
		expect(visible(lastFrame())[0]).toBe('line 7');
		await press(stdin, keys.end);
		expect(visible(lastFrame()).at(-1)).toBe('line 30');
		expect(lastFrame()).not.toContain('more lines');
		await press(stdin, keys.pageUp, keys.up);
		expect(visible(lastFrame())[0]).toBe('line 20');
		await press(stdin, keys.home);
		expect(visible(lastFrame())[0]).toBe('line 1');
		unmount();
	});

	it('follows the end as lines are added', async () => {
		const {lastFrame, rerender, unmount} = await render(<ScrollView followEnd lines={lines} height={4}/>);
		await frameWith(lastFrame, 'line 30');
		rerender(<ScrollView followEnd lines={[...lines, 'line 31']} height={4}/>);
		await frameWith(lastFrame, 'line 31');
		expect(visible(lastFrame())).toEqual(['line 29', 'line 30', 'line 31']);
		unmount();
	});

	it('shows everything, without the indicator, when it fits', async () => {
		const {lastFrame, unmount} = await render(<ScrollView lines={[<Text key="a">only line</Text>]} height={5}/>);
		const frame = await frameWith(lastFrame, 'only line');
		expect(frame).not.toContain('more lines');
		unmount();
	});
});

it('TracePanel shows one line a request with its status and timings, newest at the bottom', async () => {
	const exchange = (id: number, overrides: Partial<Exchange>): Exchange => ({
		id,
		step: 'probe',
		method: 'GET',
		url: 'https://api.fastmail.com/mcp',
		startedAt: '2026-03-02T10:00:00.000Z',
		timings: {total: 10},
		request: {headers: {}},
		...overrides,
	});
	const exchanges = [
		exchange(1, {method: 'POST', status: 401, timings: {dns: 3, tcp: 12, tls: 25, firstByte: 140, total: 182}}),
		exchange(2, {step: 'resource-metadata', url: 'https://api.fastmail.com/.well-known/oauth-protected-resource/mcp', status: 200, timings: {total: 95}}),
		exchange(3, {step: 'registration', method: 'POST', url: 'https://api.fastmail.com/oauth/register', error: 'Connection to api.fastmail.com refused', timings: {total: 4}}),
	];
	const {lastFrame, unmount} = await render(<TracePanel exchanges={exchanges} height={10}/>);
	const frame = await frameWith(lastFrame, 'registration POST');
	const lines = frame.split('\n');
	expect(lines[0]).toContain('probe POST https://api.fastmail.com/mcp 401 182 ms (dns 3 · tcp 12 · tls 25 · first byte 140)');
	expect(lines[1]).toContain('resource metadata GET https://api.fastmail.com/.well-known/oauth-protected-resource/mcp 200 95 ms');
	expect(lines[2]).toContain('✗ Connection to api.fastmail.com refused');
	unmount();
});

describe('clocks', () => {
	const start = Date.parse('2026-03-02T10:00:00.000Z');

	it('Countdown ticks every second, and says when there is no expiry', async () => {
		vi.useFakeTimers({shouldAdvanceTime: false});
		vi.setSystemTime(start);
		const {lastFrame, unmount} = await render(
			<>
				<Countdown expiresAt={new Date(start + 2000).toISOString()}/>
				<Countdown/>
			</>,
		);
		await advanceClock(0);
		expect(lastFrame()).toContain('expires in 2s');
		expect(lastFrame()).toContain('no expiry given');
		await advanceClock(1000);
		expect(lastFrame()).toContain('expires in 1s');
		await advanceClock(2000);
		expect(lastFrame()).toContain('expired 1s ago');
		unmount();
	});

	it('Elapsed ticks every second against its limit', async () => {
		vi.useFakeTimers({shouldAdvanceTime: false});
		vi.setSystemTime(start);
		const {lastFrame, unmount} = await render(<Elapsed since={start - 12_000} limitMs={300_000}/>);
		await advanceClock(0);
		expect(lastFrame()).toBe('0:12 of 5:00');
		await advanceClock(60_000);
		expect(lastFrame()).toBe('1:12 of 5:00');
		unmount();
	});

	// Ink redraws the whole frame on each render: an idle screen should draw one a second at most.
	it('clocks on one screen draw one frame a second together, and one with nothing to count draws none', async () => {
		vi.useFakeTimers({shouldAdvanceTime: false});
		vi.setSystemTime(start);
		const expiresAt = new Date(start + 60_000).toISOString();
		const ticking = await render(<Countdown expiresAt={expiresAt}/>);
		await advanceClock(500);
		// A second clock, mounted half a second later: with an interval of its own it would tick in between.
		ticking.rerender(
			<>
				<Countdown expiresAt={expiresAt}/>
				<Elapsed since={start}/>
			</>,
		);
		await advanceClock(0);
		const before = ticking.stdout.frames.length;
		// Half seconds, so that ticks half a second apart would be drawn apart.
		for (let half = 0; half < 6; half++) await advanceClock(500);
		expect(ticking.lastFrame()).toContain('expires in 57s');
		expect(ticking.lastFrame()).toContain('0:03');
		expect(ticking.stdout.frames.length - before).toBe(3);
		ticking.unmount();

		const still = await render(<Countdown/>);
		await advanceClock(0);
		const first = still.stdout.frames.length;
		for (let second = 0; second < 3; second++) await advanceClock(1000);
		expect(still.lastFrame()).toBe('no expiry given');
		expect(still.stdout.frames.length).toBe(first);
		still.unmount();
	});
});

describe('Text', () => {
	it('keeps a server\'s newline out of a line meant as one row (truncated), and escapes control sequences', async () => {
		const claim = 'alice\nFAKE LINE\u001b[31m';
		const {lastFrame, unmount} = await render(<SafeText wrap="truncate-end">sub {claim}</SafeText>);
		const frame = await frameWith(lastFrame, 'sub alice');
		expect(frame.split('\n')).toEqual(['sub alice FAKE LINE\\x1b[31m']);
		unmount();
	});
});
