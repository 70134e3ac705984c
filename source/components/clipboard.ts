import {createSupportsHyperlinks} from 'supports-hyperlinks';

/**
 * The escape sequence that asks the terminal to put `text` on the system clipboard (OSC 52, the
 * "c" selection). It works where the terminal allows it (xterm, iTerm2, kitty, WezTerm, Windows
 * Terminal; tmux with set-clipboard), over SSH too, and does nothing elsewhere: say so, never promise.
 */
export function clipboardSequence(text: string): string {
	return `\u001B]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
}

/**
 * A URL as an OSC 8 hyperlink where the terminal shows them (supports-hyperlinks reads the terminal's
 * name and FORCE_HYPERLINK), so that a click opens it; the URL itself elsewhere. Only for URLs we
 * serialized (URL.href holds no control character).
 */
export function terminalLink(url: string, stream: {isTTY?: boolean} = process.stdout): string {
	return createSupportsHyperlinks(stream) ? `\u001B]8;;${url}\u001B\\${url}\u001B]8;;\u001B\\` : url;
}

/** A value to copy, whole on lines of its own that the terminal wraps (Ink's frame would cut them). */
export function copyBlock(title: string, value: string): string {
	return `${title}\n${value}\n\n`;
}
