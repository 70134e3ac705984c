/**
 * Server-supplied text made safe for a terminal: control characters out (an OSC 52 sequence in an
 * error body could write to the user's clipboard, others move the cursor), line breaks and tabs kept.
 */
export function printable(text: string): string {
	return text.replaceAll('\r\n', '\n').replaceAll(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g, '');
}

/** printable() on one line, cut at `maxLength` characters. */
export function printableLine(text: string, maxLength = 300): string {
	const line = printable(text).replaceAll(/\s+/g, ' ').trim();
	return line.length > maxLength ? `${line.slice(0, maxLength)}…` : line;
}
