/**
 * Text made safe for a terminal, shown rather than obeyed: every control character but the line break
 * and the tab, ESC and the C1 controls among them, and the bidirectional overrides, appear as `\xNN`
 * or `\uNNNN`. A server's string may carry OSC 52 (write the user's clipboard), OSC 8 (a link that
 * shows other text), CSI (move the cursor, erase) or a bare CR (overwrite a line): none passes. Every
 * line the CLI prints and every string the wizard draws goes through here.
 */
export function printable(text: string): string {
	return text.replaceAll('\r\n', '\n').replaceAll(unsafeCharacters, character => {
		const code = character.codePointAt(0)!;
		return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
	});
}

/** C0 controls but \n and \t, DEL, C1 controls, and the bidi embeddings, overrides and isolates (Unicode 9). */
const unsafeCharacters = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

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

/** One argv word for a POSIX shell: as it is when it is plain, else single-quoted. */
export function shellQuote(word: string): string {
	return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", String.raw`'\''`)}'`;
}
