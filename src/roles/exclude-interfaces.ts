// Which interface names layer 2 never uses. Upstream reads them from /etc/metallb/excludel2.yaml
// (ConfigMap metallb-excludel2: `announcedInterfacesToExclude: [regex, ...]`); the list in the file
// replaces the built-in defaults. `--exclude-interfaces` on the command line wins over the file.
// Every pattern is compiled here so a typo stops the process at start-up, naming its source.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';

export const DEFAULT_EXCLUDE_FILE = '/etc/metallb/excludel2.yaml';

export interface ExcludeSources {
  /** --exclude-interfaces values */
  flag?: string[];
  /** --exclude-interfaces-file */
  file?: string;
  /** true when `file` is only the default path: a missing file then means "use the defaults" */
  fileOptional?: boolean;
}

/**
 * The patterns to hand to the announcer; undefined = the announcer's built-in list.
 * Throws an Error naming the file (or the flag) and the bad pattern.
 */
export async function resolveExcludePatterns(src: ExcludeSources): Promise<string[] | undefined> {
  if (src.flag && src.flag.length > 0) {
    checkPatterns(src.flag, '--exclude-interfaces');
    return src.flag;
  }
  if (!src.file) return undefined;
  let text: string;
  try {
    text = await readFile(src.file, 'utf8');
  } catch (err) {
    if (src.fileOptional && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`interface exclusion file ${src.file}: cannot read it (${(err as Error).message})`);
  }
  const patterns = parseExcludeFile(text, src.file);
  checkPatterns(patterns, `interface exclusion file ${src.file}`);
  return patterns;
}

/** The list under announcedInterfacesToExclude; an empty or absent list excludes nothing. */
export function parseExcludeFile(text: string, file: string): string[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new Error(`interface exclusion file ${file}: not valid YAML (${(err as Error).message.split('\n')[0]})`);
  }
  if (doc === null || doc === undefined) return [];
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new Error(`interface exclusion file ${file}: expected a mapping with announcedInterfacesToExclude: [regex, ...]`);
  }
  const list = (doc as Record<string, unknown>).announcedInterfacesToExclude;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list) || list.some((p) => typeof p !== 'string')) {
    throw new Error(`interface exclusion file ${file}: announcedInterfacesToExclude must be a list of regular expressions (strings)`);
  }
  return list as string[];
}

function checkPatterns(patterns: string[], source: string): void {
  for (const p of patterns) {
    try {
      new RegExp(p);
    } catch (err) {
      throw new Error(`${source}: interface pattern ${JSON.stringify(p)} is not a valid regular expression (${(err as Error).message})`);
    }
  }
}
