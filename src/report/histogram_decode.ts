import * as hdr from "hdr-histogram-js";

/** A decoded HDR histogram (values in microseconds). */
export type DecodedHistogram = ReturnType<typeof hdr.decodeFromCompressedBase64>;

/** Decodes a RunResult histogram (base64 of encodeIntoCompressedBase64), or null when empty. */
export function decodeHistogram(base64: string): DecodedHistogram | null {
  if (base64 === "") return null;
  return hdr.decodeFromCompressedBase64(base64, 64, false);
}
