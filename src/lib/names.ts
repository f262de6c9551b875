/**
 * Names that come from an org or a file name become file names and printed text. The Metadata API's developer-name
 * rule (a letter first, then letters, digits and single underscores, no underscore at the end, optionally behind a
 * `namespace__` prefix) keeps them free of path separators, dots, control characters and terminal escapes.
 */

const DEVELOPER_NAME = /^(?:[A-Za-z](?:[A-Za-z0-9]|_(?!_))*[A-Za-z0-9]__)?[A-Za-z](?:[A-Za-z0-9]|_(?!_))*$/;

/** Developer names are at most 40 characters; a namespace prefix adds up to 15 and its `__`. */
const MAX_NAME_LENGTH = 40 + 15 + 2;

export function isDeveloperName(name: string): boolean {
  return name.length <= MAX_NAME_LENGTH && !name.endsWith('_') && DEVELOPER_NAME.test(name);
}

// C0 and C1 control characters, DEL, and the bidirectional overrides that can reorder what a terminal shows
const UNPRINTABLE =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/g;

/** Text safe to print: control characters and escapes are shown as `\u{…}` and can paint nothing on a terminal. */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

export function hasUnprintable(text: string): boolean {
  UNPRINTABLE.lastIndex = 0;
  const found = UNPRINTABLE.test(text);
  UNPRINTABLE.lastIndex = 0;
  return found;
}
