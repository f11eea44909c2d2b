/**
 * package.json and package-lock.json agree (issue 15: `npm install` rewrote the lock, whose root `engines` said
 * `>=20` while package.json said `>=20.12`), and nothing run at run time comes from a dev dependency.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));

describe('package.json and package-lock.json', () => {
  it('the lock root says what package.json says: engines, dependencies, dev dependencies', () => {
    const root = lock.packages[''];
    expect(root.engines).toEqual(pkg.engines);
    expect(root.dependencies).toEqual(pkg.dependencies);
    expect(root.devDependencies).toEqual(pkg.devDependencies);
  });
  it('tsx is a dev dependency only, and the bin and start script run node', () => {
    expect(pkg.dependencies.tsx).toBeUndefined();
    expect(lock.packages['node_modules/tsx'].dev).toBe(true);
    expect(readFileSync(pkg.bin.weunion, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    expect(pkg.scripts.start).toMatch(/^exec node /);
  });
});
