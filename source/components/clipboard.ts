import {createSupportsHyperlinks} from 'supports-hyperlinks';
import {printable} from '../core/text.js';

/**
 * The escape sequence that asks the terminal to put `text` on the system clipboard (OSC 52, the
 * "c" selection). It works where the terminal allows it (xterm, iTerm2, kitty, WezTerm, Windows
 * Terminal; tmux with set-clipboard), over SSH too, and does nothing elsewhere: say so, never promise.
 */
export function clipboardSequence(text: string): string {
	return `\u001B]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
}

/** What the wizard says after y: it asked the terminal, which may not allow it. */
export const clipboardNote = 'Sent to the clipboard (OSC 52): paste it to check; some terminals do not allow it.';

/**
 * A URL as an OSC 8 hyperlink where the terminal shows them (supports-hyperlinks reads the terminal's
 * name and FORCE_HYPERLINK), so that a click opens it; the URL itself elsewhere.
 */
export function terminalLink(url: string, stream: {isTTY?: boolean} = process.stdout): string {
	return createSupportsHyperlinks(stream) ? `\u001B]8;;${url}\u001B\\${url}\u001B]8;;\u001B\\` : url;
}

/**
 * A value to copy, whole on lines of its own that the terminal wraps (Ink's frame would cut them).
 * Written past Ink's sanitizing Text, so made printable here: a snippet holds a server's client id and
 * scopes. `link`: the value is a URL, made a hyperlink (after: its escape sequence is ours).
 */
export function copyBlock(title: string, value: string, options: {readonly link?: boolean} = {}): string {
	const shown = printable(value);
	return `${printable(title)}\n${options.link ? terminalLink(shown) : shown}\n\n`;
}
