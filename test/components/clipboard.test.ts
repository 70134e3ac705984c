import {afterEach, expect, it, vi} from 'vitest';
import {clipboardSequence, terminalLink} from '../../source/components/clipboard.js';

afterEach(() => {
	vi.unstubAllEnvs();
});

it('asks the terminal to copy with OSC 52, the text in base64', () => {
	expect(clipboardSequence('https://as.example.com/authorize?state=é')).toBe(`\u001B]52;c;${Buffer.from('https://as.example.com/authorize?state=é').toString('base64')}\u0007`);
});

it('makes a URL a hyperlink (OSC 8) only where the terminal shows them', () => {
	const url = 'https://as.example.com/authorize?state=1';
	vi.stubEnv('FORCE_HYPERLINK', '1');
	expect(terminalLink(url, {isTTY: true})).toBe(`\u001B]8;;${url}\u001B\\${url}\u001B]8;;\u001B\\`);
	vi.stubEnv('FORCE_HYPERLINK', '0');
	expect(terminalLink(url, {isTTY: true})).toBe(url);
});
