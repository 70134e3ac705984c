/**
 * The escape sequence that asks the terminal to put `text` on the system clipboard (OSC 52, the
 * "c" selection). It works where the terminal allows it (xterm, iTerm2, kitty, WezTerm, Windows
 * Terminal; tmux with set-clipboard), over SSH too, and does nothing elsewhere: say so, never promise.
 */
export function clipboardSequence(text: string): string {
	return `\u001B]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
}

/** A value to copy, whole on lines of its own that the terminal wraps (Ink's frame would cut them). */
export function copyBlock(title: string, value: string): string {
	return `${title}\n${value}\n\n`;
}
