// Finds references from the repository's files to paths outside it: a folder beside the clone, one
// machine's absolute paths (home folders, a workspace mount), or a relative path that climbs above the
// repository's root. A clone elsewhere has none of those, so each is a test, link or script that only works
// on the machine it was written on.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

export interface OutsideReference {
  file: string;
  line: number;
  text: string;
  why: string;
}

/**
 * Absolute paths that name one machine's folders (a `file:///home/…` URL is an address, say one a test expects
 * the app to refuse, so a path right after a slash is left alone). Written with escapes so this file does not
 * match itself.
 */
const MACHINE_PATHS: { pattern: RegExp; why: string }[] = [
  { pattern: /(?<![\w./-])\/work\//, why: 'an absolute path of one machine (\u002fwork/)' },
  { pattern: /(?<![\w./-])\/(?:home|Users)\/[\w.-]+/, why: 'an absolute path into a home folder' },
  { pattern: /(?<![\w./-])\/root\//, why: "an absolute path into root's home folder" },
  { pattern: /\b[A-Za-z]:\\{1,2}Users\\{1,2}/, why: 'an absolute path into a Windows home folder' },
];
const SIBLING = /(?<![\w-])shared\/(?:testvectors|DESIGN)|\.\.\/shared\b/;
/** `..` or `../…` as a path (not `...spread`, not `1..2`): resolved from the file's own folder. */
const CLIMB = /(?<![\w./-])\.\.(?=\/|['"`)\s]|$)((?:\/[^\s'"`)\]>,;]*)?)/g;

/**
 * Every file git tracks or would track (new files not yet added included, ignored ones not); without git,
 * every file outside node_modules, build output and data.
 */
export function repositoryFiles(root: string): string[] {
  try {
    return execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }).split('\0').filter(Boolean);
  } catch {
    return walk(root, '');
  }
}

const UNTRACKED = new Set(['.git', 'node_modules', 'out', 'dist', 'data', 'test-results']);

function walk(root: string, dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const relative = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) {
      if (!UNTRACKED.has(entry.name)) files.push(...walk(root, relative));
    } else if (entry.isFile()) {
      files.push(relative);
    }
  }
  return files;
}

/** The outside references in one file's text; `file` is its path relative to the repository root. */
export function outsideReferences(file: string, text: string): OutsideReference[] {
  const found: OutsideReference[] = [];
  const folder = path.posix.dirname(file);
  text.split('\n').forEach((content, index) => {
    const hit = (why: string) => found.push({ file, line: index + 1, text: content.trim().slice(0, 160), why });
    if (SIBLING.test(content)) hit('a folder beside the repository (shared/)');
    for (const { pattern, why } of MACHINE_PATHS) if (pattern.test(content)) hit(why);
    for (const match of content.matchAll(CLIMB)) {
      const target = path.posix.normalize(path.posix.join(folder, `..${match[1] ?? ''}`));
      if (target === '..' || target.startsWith('../')) hit(`a relative path that leaves the repository (${match[0]} from ${folder}/)`);
    }
  });
  return found;
}

/** Every outside reference in the repository's text files (binary files are skipped). */
export function scanRepository(root: string): { files: number; references: OutsideReference[] } {
  const files = repositoryFiles(root);
  const references: OutsideReference[] = [];
  let scanned = 0;
  for (const file of files) {
    const full = path.join(root, file);
    if (!statSync(full, { throwIfNoEntry: false })?.isFile()) continue; // deleted but not yet staged
    const bytes = readFileSync(full);
    if (bytes.includes(0)) continue;
    scanned += 1;
    references.push(...outsideReferences(file, bytes.toString('utf8')));
  }
  return { files: scanned, references };
}
