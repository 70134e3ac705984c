import {expect, it, vi} from 'vitest';
import {UrlScreen} from '../../source/screens/url-screen.js';
import {frameWith, keys, press, render} from '../helpers/ink.js';

it('shows the placeholder and no validation message while empty', async () => {
	const {lastFrame, unmount} = await render(<UrlScreen onSubmit={vi.fn()}/>);
	const frame = await frameWith(lastFrame, 'https://example.com/mcp');
	expect(frame).toContain('Enter discover');
	expect(frame).not.toContain('is not a URL');
	unmount();
});

it('explains an invalid URL as it is typed and does not submit it', async () => {
	const onSubmit = vi.fn();
	const {lastFrame, stdin, unmount} = await render(<UrlScreen onSubmit={onSubmit}/>);
	await press(stdin, 'http://api.fastmail.com/mcp');
	expect(lastFrame()).toContain('Plain http is not allowed for api.fastmail.com');
	expect(lastFrame()).toContain('Use https://api.fastmail.com/mcp');
	await press(stdin, keys.enter);
	// Corrected to https, the same Enter submits: the first one was taken, and refused.
	await press(stdin, ...Array.from({length: 'http://api.fastmail.com/mcp'.length}, () => '\u007F'), 'https://api.fastmail.com/mcp', keys.enter);
	expect(onSubmit).toHaveBeenCalledExactlyOnceWith('https://api.fastmail.com/mcp');
	unmount();
});

it('says when the text is not a URL at all', async () => {
	const {lastFrame, stdin, unmount} = await render(<UrlScreen onSubmit={vi.fn()}/>);
	await press(stdin, 'fastmail');
	expect(lastFrame()).toContain('"fastmail" is not a URL');
	unmount();
});

it('submits a valid URL, parsed', async () => {
	const onSubmit = vi.fn();
	const {lastFrame, stdin, unmount} = await render(<UrlScreen onSubmit={onSubmit}/>);
	await press(stdin, '  https://API.Fastmail.com/mcp ');
	expect(lastFrame()).not.toContain('not a URL');
	await press(stdin, keys.enter);
	expect(onSubmit).toHaveBeenCalledWith('https://api.fastmail.com/mcp');
	unmount();
});

it('shows the error of the last discovery until the URL is edited', async () => {
	const {lastFrame, stdin, unmount} = await render(<UrlScreen initialValue="https://nowhere.example/mcp" error="Host nowhere.example not found (DNS)" onSubmit={vi.fn()}/>);
	await frameWith(lastFrame, 'Host nowhere.example not found (DNS)');
	expect(lastFrame()).toContain('https://nowhere.example/mcp');
	await press(stdin, 'x');
	expect(lastFrame()).not.toContain('not found (DNS)');
	unmount();
});
