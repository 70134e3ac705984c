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

/**
 * "2d 3h 4m", "1h 2m 5s", "59m 58s", "12s"; with `withSeconds: false`, "2d 3h", "30d", "1h 2m", "59m"
 * (seconds only under a minute). Days from 24 hours on: a token may live for weeks.
 */
export function formatDuration(totalSeconds: number, options: {readonly withSeconds?: boolean} = {}): string {
	const total = Math.max(0, Math.round(totalSeconds));
	const days = Math.floor(total / 86_400);
	const hours = Math.floor((total % 86_400) / 3600);
	const minutes = Math.floor((total % 3600) / 60);
	const seconds = total % 60;
	if (days > 0) {
		if (options.withSeconds !== false) return `${days}d ${hours}h ${minutes}m`;
		return hours > 0 ? `${days}d ${hours}h` : `${days}d`;
	}

	if (options.withSeconds === false) {
		if (hours > 0) return minutes > 0 ? `${hours}h ${minutes}m` : `${hours}h`;
		return minutes > 0 ? `${minutes}m` : `${seconds}s`;
	}

	if (hours > 0) return `${hours}h ${minutes}m ${seconds}s`;
	return minutes > 0 ? `${minutes}m ${seconds}s` : `${seconds}s`;
}
