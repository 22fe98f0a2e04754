// Reading documents from files (parse.ts): a folder or an unreadable file is said so, and text that is
// not UTF-8 is refused at its line, never read with U+FFFD in place of the bad bytes.

import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileFailure, FOLDER_NOT_FILE, unreadableFile } from '../../model/named-file.ts';
import { DocumentInvalidError } from '../problems.ts';
import { parseDocuments } from './parse.ts';
import { notUtf8Message } from '../../formats/not-utf8.ts';

/** Reads a file holding exactly one document. */
export function readDocument(file: string): unknown {
  const docs = readDocuments(file);
  if (docs.length !== 1) {
    throw new DocumentInvalidError(
      [{ path: file, message: docs.length === 0 ? 'holds no document' : `holds ${docs.length} documents; expected one` }],
      file,
    );
  }
  return docs[0];
}

/** Reads every document of a file: a JSON file holds one; a YAML file one or several (---). */
export function readDocuments(file: string): unknown[] {
  // A folder given for its documents (`catalogue validate catalogues/`) is said to be one, with what to do.
  const unreadable = unreadableFile(file);
  if (unreadable) throw new DocumentInvalidError([{ path: file, message: unreadable === FOLDER_NOT_FILE ? `${unreadable}; name the documents in it (such as ${join(file, '*.yaml')})` : unreadable }], file);
  return parseDocuments(readUtf8(file), file);
}

/** The text of a file, refused (DocumentInvalidError) when it cannot be read or is not UTF-8, at the line. */
export function readUtf8(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new DocumentInvalidError([{ path: file, message: fileFailure(err) }], file);
  }
  if (!isUtf8(bytes)) {
    const bad = firstNonUtf8Line(bytes);
    throw new DocumentInvalidError([{ path: `${file}:${bad.line}`, message: notUtf8Message(bad.bytes) }], file);
  }
  return bytes.toString('utf8');
}

/** The 1-based line holding the first byte sequence that is not UTF-8, and its bytes. */
function firstNonUtf8Line(bytes: Buffer): { line: number; bytes: Buffer } {
  let line = 1;
  let start = 0;
  for (let nl = bytes.indexOf(10); nl !== -1; nl = bytes.indexOf(10, start)) {
    if (!isUtf8(bytes.subarray(start, nl))) return { line, bytes: bytes.subarray(start, nl) };
    line++;
    start = nl + 1;
  }
  return { line, bytes: bytes.subarray(start) };
}
