import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Project } from './project.js';
import { projectPath } from './project.js';

/** What a scratch org definition needs for External Client Apps (eca-domain.md section 2.7). */

export const ECA_FEATURES = ['ExternalClientApps', 'ExtlClntAppSecretExposeCtl'];

export type ScratchDefGap = { file: string; missingFeatures: string[]; missingSetting: boolean; snippet: string };

type ScratchDef = {
  edition?: unknown;
  features?: unknown;
  settings?: { externalClientAppSettings?: { enableExternalClientApps?: unknown } };
};

/** Definition files that sfdx-project.json names (packageDirectories[].definitionFile), wherever they are. */
async function namedDefinitionFiles(project: Project): Promise<string[]> {
  try {
    const raw = JSON.parse(await readFile(project.projectFile, 'utf8')) as {
      packageDirectories?: Array<{ definitionFile?: unknown }>;
    };
    const named = (Array.isArray(raw.packageDirectories) ? raw.packageDirectories : []).map((d) => d?.definitionFile);
    return named
      .filter((f): f is string => typeof f === 'string' && f.trim() !== '')
      .map((f) => resolve(project.root, f));
  } catch {
    return [];
  }
}

async function definitionFiles(project: Project): Promise<string[]> {
  const dir = join(project.root, 'config');
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const inConfig = entries.filter((e) => e.isFile() && e.name.endsWith('.json')).map((e) => join(e.parentPath, e.name));
  return [...new Set([...inConfig, ...(await namedDefinitionFiles(project))])].sort();
}

/**
 * Scratch definitions (config/**.json and the definitionFile of each package directory, with an "edition") that lack
 * the features or settings ECAs need.
 */
export async function scratchDefinitionGaps(project: Project): Promise<ScratchDefGap[]> {
  const gaps: ScratchDefGap[] = [];
  for (const file of await definitionFiles(project)) {
    let def: ScratchDef;
    try {
      def = JSON.parse(await readFile(file, 'utf8')) as ScratchDef;
    } catch {
      continue; // missing or not JSON: sf org create scratch says so itself
    }
    if (typeof def !== 'object' || def === null || def.edition === undefined) continue;
    const features = Array.isArray(def.features) ? def.features.map((f) => String(f).split(':')[0].toLowerCase()) : [];
    const missingFeatures = ECA_FEATURES.filter((f) => !features.includes(f.toLowerCase()));
    const missingSetting = def.settings?.externalClientAppSettings?.enableExternalClientApps !== true;
    if (missingFeatures.length === 0 && !missingSetting) continue;
    const snippet = JSON.stringify(
      {
        ...(missingFeatures.length ? { features: missingFeatures } : {}),
        ...(missingSetting ? { settings: { externalClientAppSettings: { enableExternalClientApps: true } } } : {}),
      },
      null,
      2,
    );
    gaps.push({ file: projectPath(project, file), missingFeatures, missingSetting, snippet });
  }
  return gaps;
}
