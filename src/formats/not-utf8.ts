// What a file that is not UTF-8 is told: where, and, when it reads as Chinese in GB18030 (GBK), that it is
// one: "CSV" saved by a spreadsheet on a Chinese Windows is GBK, and an operator of Yanbian's platform (h203)
// exporting the records so was told only "not valid UTF-8", with nothing saying what the file was instead.

/** Han ideographs or Hangul syllables: text such a file holds when it reads as GB18030. */
const CHINESE = /[\u4e00-\u9fff\uac00-\ud7af]/u;

/** `not valid UTF-8; save the file as UTF-8`, with the GB18030 hint when `bytes` (the line) read as Chinese so. */
export function notUtf8Message(bytes?: Uint8Array): string {
  const base = 'not valid UTF-8; save the file as UTF-8';
  if (bytes === undefined) return base;
  let text: string;
  try {
    text = new TextDecoder('gb18030', { fatal: true }).decode(bytes);
  } catch {
    return base; // not GB18030 either (or a Node built without the encoding)
  }
  return CHINESE.test(text)
    ? `not valid UTF-8: it reads as GB18030 (GBK), as Chinese Windows saves text unless told otherwise (a spreadsheet's "CSV" too); save the file as UTF-8 ("CSV UTF-8" in a spreadsheet), or convert it: iconv -f GB18030 -t UTF-8 FILE > NEW`
    : base;
}
