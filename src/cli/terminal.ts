/**
 * Terminal safety for human output. A value read from Parameter Store is data written by
 * someone else: printed raw, its control characters can move the cursor over the line above,
 * retitle the window, or write the clipboard (OSC 52). Human output shows them as escapes;
 * `--json` output stays exact, because JSON encodes them itself (and a program reads it).
 */

/**
 * Characters a terminal may act on: C0 controls (tab and line feed included), DEL, C1 controls
 * (0x9B is a one-byte CSI), and the Unicode line separators and bidirectional overrides that
 * reorder or hide text ("Trojan Source").
 */
// Built from a string: a literal with these ranges is what linters flag as a likely mistake.
const CONTROL_CLASS =
  "[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]";
const CONTROL = new RegExp(CONTROL_CLASS);
const CONTROL_ALL = new RegExp(CONTROL_CLASS, "g");

/** True when `text` holds a character a terminal may interpret. */
export function hasControlCharacters(text: string): boolean {
  return CONTROL.test(text);
}

/** `\x1b` for characters below U+0100, `\u202e` above. */
function escapeCharacter(character: string): string {
  const code = character.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * `text` with every control character written as an escape (`\x1b`, `\x07`, `\u202e`), for
 * one-line human output such as messages and keys. `keep` lists characters to leave alone
 * (`get` keeps line breaks and tabs so that a PEM certificate still prints as one).
 */
export function escapeControls(text: string, keep = ""): string {
  return text.replace(CONTROL_ALL, (character) =>
    keep.includes(character) ? character : escapeCharacter(character),
  );
}

/**
 * A JSON string literal that a terminal shows as is: `JSON.stringify` escapes C0 controls but
 * passes DEL, C1 controls and bidirectional overrides through; these are escaped too.
 */
export function safeJsonString(text: string): string {
  return JSON.stringify(text).replace(CONTROL_ALL, (character) => {
    const code = character.charCodeAt(0);
    return `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
