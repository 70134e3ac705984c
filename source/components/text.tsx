import {Text as InkText} from 'ink';
import {Children, type ComponentProps, type ReactNode} from 'react';
import {printable} from '../core/text.js';

/** Every string among the children made printable; elements (a nested Text) do their own. */
function safe(children: ReactNode): ReactNode {
	return Children.map(children, child => (typeof child === 'string' ? printable(child) : child));
}

/**
 * Ink's Text, through which the wizard draws every string: a server's words (metadata, scopes, error
 * bodies, tool results) carry no control sequence to the terminal, only its visible escape.
 */
export function Text({children, ...props}: ComponentProps<typeof InkText>) {
	return <InkText {...props}>{safe(children)}</InkText>;
}
