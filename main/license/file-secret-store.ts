// The fallback when no OS keychain answers: one file per item in a private folder of the app's data
// directory (folder 0700, files 0600), each replaced atomically (write a temp file, fsync, rename) so a
// crash leaves the old token or the new one, never half of one. Its kind is 'file' and the UI says so.
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { SecretStore } from './ports';
import { SecretStoreError } from './secret-store-error';

const NAME = /^[a-z0-9][a-z0-9-]{0,63}$/;

export class FileSecretStore implements SecretStore {
  readonly kind = 'file' as const;
  /** The folder holding the items: `<dataDir>/secrets`. */
  readonly folder: string;

  constructor(dataDir: string) {
    this.folder = path.join(dataDir, 'secrets');
  }

  async get(name: string): Promise<string | null> {
    const file = this.itemPath(name);
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw this.failure(`reading ${name}`, error);
    }
  }

  async set(name: string, value: string): Promise<void> {
    const target = this.itemPath(name);
    const temp = `${target}.${randomUUID()}.tmp`;
    try {
      await mkdir(this.folder, { recursive: true, mode: 0o700 });
      // mkdir's mode does not apply to a folder that already existed with looser rights.
      await chmod(this.folder, 0o700);
      const file = await open(temp, 'wx', 0o600);
      try {
        await file.writeFile(value, 'utf8');
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, target);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw this.failure(`writing ${name}`, error);
    }
  }

  async delete(name: string): Promise<void> {
    const file = this.itemPath(name);
    try {
      await rm(file, { force: true });
    } catch (error) {
      throw this.failure(`deleting ${name}`, error);
    }
  }

  private itemPath(name: string): string {
    if (!NAME.test(name)) throw new RangeError(`not a valid item name: ${JSON.stringify(name)}`);
    return path.join(this.folder, name);
  }

  private failure(what: string, error: unknown): SecretStoreError {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return new SecretStoreError('file_failed', `the license file store failed ${what} (${code})`);
  }
}
