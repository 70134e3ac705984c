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

/** "1h 2m 5s", "59m 58s", "12s"; with `withSeconds: false`, "1h 2m", "59m" (seconds only under a minute). */
export function formatDuration(totalSeconds: number, options: {readonly withSeconds?: boolean} = {}): string {
	const total = Math.max(0, Math.round(totalSeconds));
	const hours = Math.floor(total / 3600);
	const minutes = Math.floor((total % 3600) / 60);
	const seconds = total % 60;
	if (options.withSeconds === false) {
		if (hours > 0) return minutes > 0 ? `${hours}h ${minutes}m` : `${hours}h`;
		return minutes > 0 ? `${minutes}m` : `${seconds}s`;
	}

	if (hours > 0) return `${hours}h ${minutes}m ${seconds}s`;
	return minutes > 0 ? `${minutes}m ${seconds}s` : `${seconds}s`;
}
