// The shared membership secret, from --ml-secret-file or a Secret's `secretkey`. Trailing whitespace is
// dropped: a file written with `echo` on one node and by a Secret mount on another, or the same Secret
// read through the API, must give the same key.
import { readFile } from 'node:fs/promises';

export const MIN_SECRET_BYTES = 16;

/** `source` names where the bytes came from in errors (a file path, or e.g. "Secret ns/name key secretkey"). */
export function secretFromBytes(raw: Uint8Array, source: string): Uint8Array {
  let end = raw.length;
  while (end > 0 && (raw[end - 1] === 0x0a || raw[end - 1] === 0x0d || raw[end - 1] === 0x20 || raw[end - 1] === 0x09)) end--;
  if (end < MIN_SECRET_BYTES) {
    throw new Error(`${source.startsWith('Secret ') ? source : `--ml-secret-file ${source}`}: the secret has ${end} bytes; put at least ${MIN_SECRET_BYTES} random bytes in it `
      + '(e.g. `head -c 32 /dev/urandom | base64 > FILE`), the same on every node');
  }
  return raw.subarray(0, end);
}

export async function readSecretFile(file: string): Promise<Uint8Array> {
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch (e) {
    throw new Error(`--ml-secret-file ${file}: cannot read it (${(e as Error).message}); point it at the shared membership secret`);
  }
  return secretFromBytes(raw, file);
}
