/*
 * Text cut into terminal rows before Ink sees it: a scroll view counts one row a line, and a line the
 * terminal wraps by itself is one Ink does not erase.
 */

/** A line cut every `width` characters (JSON, a URL): nothing is lost, the pieces read on. */
export function cutRows(line: string, width: number): string[] {
	const chars = [...line];
	if (chars.length <= width || width < 1) return [line];
	const rows: string[] = [];
	for (let start = 0; start < chars.length; start += width) rows.push(chars.slice(start, start + width).join(''));
	return rows;
}

/** Prose wrapped at spaces within `width` (a word longer than the width is cut), each row after the first indented by `indent`. */
export function wrapWords(text: string, width: number, indent = ''): string[] {
	const rows: string[] = [];
	let row = '';
	for (const word of text.split(/\s+/).filter(Boolean)) {
		const room = width - (rows.length === 0 ? 0 : indent.length);
		const candidate = row === '' ? word : `${row} ${word}`;
		if ([...candidate].length <= room) {
			row = candidate;
			continue;
		}

		if (row !== '') rows.push(row);
		const pieces = cutRows(word, Math.max(1, width - indent.length));
		row = pieces.pop() ?? '';
		rows.push(...pieces);
	}

	if (row !== '' || rows.length === 0) rows.push(row);
	return rows.map((line, index) => (index === 0 ? line : `${indent}${line}`));
}
