import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Project } from './project.js';
import { projectPath } from './project.js';

/** What a scratch org definition needs for External Client Apps (eca-domain.md section 2.7). */

export const ECA_FEATURES = ['ExternalClientApps', 'ExtlClntAppSecretExposeCtl'];

export type ScratchDefGap = { file: string; missingFeatures: string[]; missingSetting: boolean; snippet: string };

type ScratchDef = { edition?: unknown; features?: unknown; settings?: { externalClientAppSettings?: { enableExternalClientApps?: unknown } } };

async function definitionFiles(root: string): Promise<string[]> {
  const dir = join(root, 'config');
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && e.name.endsWith('.json')).map((e) => join(e.parentPath, e.name)).sort();
}

/** Scratch definitions (config/**.json with an "edition") that lack the features or settings ECAs need. */
export async function scratchDefinitionGaps(project: Project): Promise<ScratchDefGap[]> {
  const gaps: ScratchDefGap[] = [];
  for (const file of await definitionFiles(project.root)) {
    let def: ScratchDef;
    try {
      def = JSON.parse(await readFile(file, 'utf8')) as ScratchDef;
    } catch {
      continue;
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
      2
    );
    gaps.push({ file: projectPath(project, file), missingFeatures, missingSetting, snippet });
  }
  return gaps;
}
