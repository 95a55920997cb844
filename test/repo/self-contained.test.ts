// Everything the project needs is in the repository: no file may refer to a path outside it (a folder beside
// the clone, one machine's absolute paths, a relative path climbing above the root). A clone anywhere else
// would lack what such a file reads or links to.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { outsideReferences, repositoryFiles, scanRepository } from './outside-references';

const root = path.resolve(import.meta.dirname, '../..');

// The samples are assembled at run time so that this file itself holds no outside reference.
const up = '..';
const sibling = [up, 'shared', 'testvectors', 'paypal-java-sdk-2019', 'body.json'].join('/');
const machine = ['', 'work', 'shared', 'DESIGN.md'].join('/');

describe('the repository is self-contained', () => {
  it('no tracked file refers to a path outside the repository', () => {
    const { files, references } = scanRepository(root);
    expect(files).toBeGreaterThan(100);
    const report = references.map((r) => `${r.file}:${r.line}: ${r.why}\n    ${r.text}`).join('\n');
    expect(references, `files referring to paths outside the repository:\n${report}`).toEqual([]);
  });

  it('scans the tracked files, this one and the genuine PayPal fixtures among them', () => {
    const files = repositoryFiles(root);
    expect(files).toContain('test/repo/self-contained.test.ts');
    expect(files).toContain('test/fixtures/paypal/paypal-java-sdk-2019/body.json');
    expect(files).toContain('docs/architecture.md');
    expect(files.some((f) => f.startsWith('node_modules/'))).toBe(false);
  });
});

describe('outsideReferences', () => {
  it('names the file and line of a read from a folder beside the repository', () => {
    const text = `import { readFileSync } from 'node:fs';\nconst body = readFileSync(new URL('${up}/${up}/${sibling}', import.meta.url));\n`;
    expect(outsideReferences('test/server/x.test.ts', text)).toEqual([
      expect.objectContaining({ file: 'test/server/x.test.ts', line: 2, why: 'a folder beside the repository (shared/)' }),
      expect.objectContaining({ file: 'test/server/x.test.ts', line: 2, why: expect.stringMatching(/^a relative path that leaves the repository/) }),
    ]);
  });

  it("finds one machine's absolute paths, and a design link beside the repository in Markdown", () => {
    expect(outsideReferences('test/a.test.ts', `const DIR = '${machine}';`)).toMatchObject([{ line: 1, why: expect.stringMatching(/beside/) }, { line: 1, why: expect.stringMatching(/one machine/) }]);
    expect(outsideReferences('README.md', `design: [x](${up}/${['shared', 'DESIGN.md'].join('/')})`)).toMatchObject([{ why: expect.stringMatching(/beside/) }, { why: expect.stringMatching(/leaves the repository/) }]);
    expect(outsideReferences('scripts/x.sh', `cp ${['', 'home', 'alice', 'keys'].join('/')} .`)).toMatchObject([{ why: 'an absolute path into a home folder' }]);
    expect(outsideReferences('scripts/x.ps1', `copy ${['C:', 'Users', 'alice', 'x'].join('\\')} .`)).toMatchObject([{ why: 'an absolute path into a Windows home folder' }]);
  });

  it('follows relative paths from the file\'s own folder: inside the root is fine, above it is not', () => {
    expect(outsideReferences('test/server/x.test.ts', `import { a } from '${up}/${up}/server/a';`)).toEqual([]);
    expect(outsideReferences('test/server/x.test.ts', `import { a } from '${up}/${up}/${up}/elsewhere/a';`)).toMatchObject([{ line: 1 }]);
    expect(outsideReferences('bench/support.ts', `const ROOT = path.resolve(here, '${up}');`)).toEqual([]);
    expect(outsideReferences('eslint.config.js', `const parent = path.resolve(here, '${up}');`)).toMatchObject([{ line: 1 }]);
  });

  it('leaves alone what only looks like a path: spreads, ranges, URLs, system paths', () => {
    const text = [
      'const copy = { ...rest, ...other };',
      'for (const i of range(1..3)) {}',
      'fetch(`https://example.com/home/alice`);',
      "expect(navigate('file:///home/user/.ssh/id_ed25519')).toBe(true);",
      "executablePath: '/usr/bin/chromium',",
      'npm test 2>&1 | tee /tmp/hardbound-ci-test.log',
    ].join('\n');
    expect(outsideReferences('test/x.test.ts', text)).toEqual([]);
  });
});
