/*
 * A folder's files as a test compares them: byte for byte (a hash per path) and as text (for "no secret anywhere").
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** path → sha1 of every file under dir (the test's idea of "byte for byte unchanged"). */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), createHash('sha1').update(readFileSync(p)).digest('hex'));
    }
  };
  walk(dir);
  return out;
}

/** Every file's text under dir, for "no secret anywhere" assertions. */
export function allText(dir: string): string {
  return [...snapshot(dir).keys()].map((p) => readFileSync(join(dir, p), 'utf8')).join('\n');
}
