// What a command prints of text that departments typed (an objection's reason, a demand's title, a
// request's reason in a table), on the operator's terminal.
//
// The workflow keeps such text as written (bounded in length, src/model/input-bounds.ts), and the
// GraphQL answers carry it JSON-escaped. A terminal, though, acts on control characters: an applicant's
// reason holding ESC sequences could clear the operator's screen, rewrite the lines above, set the
// window title or the clipboard (OSC 52), or turn text into a link; a newline or carriage return could
// print a forged line of the list (an objection REJECTED that is OPEN); bidirectional overrides could
// show a code reversed, and a zero-width space or U+FEFF would make `430000-M\u200bZ` read as `430000-MZ`.
// So every control character (C0, DEL, C1), every format character (Unicode category Cf: the bidirectional
// controls, the zero-width characters, U+FEFF, the tag characters) and the line and paragraph separators are
// printed as visible escapes (`\n`, `\u001b`, `\u202e`, `\u{e0001}`), one entry one line. Identifiers
// holding them are refused where they enter (src/model/identifier-text.ts); free text is kept as written
// and escaped here (identifier-text.ts, shownEscaped), where it meets a terminal (an emoji's zero-width joiner too: a listing is no place for it).

import { shownEscaped } from '../model/identifier-text.ts';

/** `s` with its control and format characters shown as escapes, fit for one line of a terminal. */
export const terminalText = (s: string): string => shownEscaped(s);
