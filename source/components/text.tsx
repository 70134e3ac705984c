import {Text as InkText} from 'ink';
import {Children, type ComponentProps, type ReactNode} from 'react';
import {printable} from '../core/text.js';

/** Every string among the children made printable, on one line where the Text is one row (truncated); elements (a nested Text) do their own. */
function safe(children: ReactNode, oneRow: boolean): ReactNode {
	return Children.map(children, child => (typeof child === 'string' ? (oneRow ? printable(child).replaceAll(/[\n\t]/g, ' ') : printable(child)) : child));
}

/**
 * Ink's Text, through which the wizard draws every string: a server's words (metadata, scopes, error
 * bodies, tool results) carry no control sequence to the terminal, only its visible escape.
 */
export function Text({children, ...props}: ComponentProps<typeof InkText>) {
	// A server's newline must not add a row to a line meant as one (the screen's height counts on it).
	return <InkText {...props}>{safe(children, props.wrap?.startsWith('truncate') === true)}</InkText>;
}
