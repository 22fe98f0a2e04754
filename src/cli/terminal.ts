// What a command prints of text that departments typed (an objection's reason, a demand's title, a
// request's reason in a table), on the operator's terminal.
//
// The workflow keeps such text as written (bounded in length, src/model/input-bounds.ts), and the
// GraphQL answers carry it JSON-escaped. A terminal, though, acts on control characters: an applicant's
// reason holding ESC sequences could clear the operator's screen, rewrite the lines above, set the
// window title or the clipboard (OSC 52), or turn text into a link; a newline or carriage return could
// print a forged line of the list (an objection REJECTED that is OPEN); bidirectional overrides could
// show a code reversed. So every control character (C0, DEL, C1), the line and paragraph separators and
// the bidirectional controls are printed as visible escapes (`\n`, `\u001b`, `\u202e`), one entry one line.

const ESCAPED = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `s` with its control characters shown as escapes, fit for one line of a terminal. */
export function terminalText(s: string): string {
  return s.replace(ESCAPED, (c) => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
