/*
 * The help of bin/run.js (the plugin run on its own, and `oclif readme`), with the sections sf adds to oclif's: sf
 * renders a command's static `configurationVariablesSection`, `envVariablesSection` and `errorCodes` (our EXIT CODES,
 * src/lib/command.ts) through its own help class, which lives in the @salesforce/cli package and is not a library a
 * plugin can depend on. Inside sf this class is never loaded: sf uses the help class of its own package.json.
 * Kept to @oclif/core, so help loads no command framework.
 */
import { CommandHelp, Help, type Command, type HelpSection, type HelpSectionRenderer } from '@oclif/core';

/** What sf-plugins-core's SfCommand adds to a command for its help (it reaches help through the oclif manifest). */
type SfSections = {
  configurationVariablesSection?: HelpSection;
  envVariablesSection?: HelpSection;
  errorCodes?: HelpSection;
};

/** sf's sections, in sf's order, after FLAG DESCRIPTIONS (as @salesforce/cli's SfCommandHelp places them). */
const SF_SECTIONS: Array<{ header: string; generate: HelpSectionRenderer }> = [
  { header: 'CONFIGURATION VARIABLES', generate: ({ cmd }) => (cmd as SfSections).configurationVariablesSection },
  { header: 'ENVIRONMENT VARIABLES', generate: ({ cmd }) => (cmd as SfSections).envVariablesSection },
  { header: 'ERROR CODES', generate: ({ cmd }) => (cmd as SfSections).errorCodes },
];

export class SfSectionsCommandHelp extends CommandHelp {
  protected override sections(): ReturnType<CommandHelp['sections']> {
    const sections = super.sections();
    const descriptions = sections.findIndex((s) => s.header === 'FLAG DESCRIPTIONS');
    const at = descriptions === -1 ? sections.length : descriptions + 1;
    sections.splice(at, 0, ...SF_SECTIONS);
    return sections;
  }
}

export default class SfSectionsHelp extends Help {
  protected override getCommandHelpClass(command: Command.Loadable): CommandHelp {
    return new SfSectionsCommandHelp(command, this.config, this.opts);
  }
}
