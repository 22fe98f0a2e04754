// Options given twice, or left without their value (SPEC §11). Commander keeps the last of an option given
// twice: `token --dept 360000-GAT --dept 360100-ZJJ` signed a token for the second department, `grant add
// --items a --items b` granted b alone and `--roles applicant --roles approver` gave approver alone, with no
// word of the value dropped. And an option whose value was forgotten takes the next word as it, also when
// that word is another option: `token --dept D --user --ttl=30m` made a token for the user `--ttl=30m` (of 8 h),
// and `catalogue review ID 1 --approve --comment --reject` approved with the comment `--reject`. Both are
// refused before the command does anything, naming the option. The same value given twice is one value.
import type { Command, Option } from 'commander';
import { UserError } from './options.ts';

/** The values each option of a command was given on the command line, in order. */
const given = new WeakMap<Command, Map<string, string[]>>();

/** Records every value given to an option of `cmd` and of its subcommands (after they are all registered). */
export function watchOptionValues(cmd: Command): void {
  const values = new Map<string, string[]>();
  given.set(cmd, values);
  for (const option of cmd.options) {
    if (!option.required && !option.optional) continue; // a switch has no value to drop
    cmd.on(`option:${option.name()}`, (value: unknown) => {
      if (typeof value !== 'string') return;
      // Refused as it is parsed, before commander counts the arguments: `--user --ttl 30m` left `30m` over,
      // and the check before the action came too late to say anything but commander's "too many arguments".
      if (takesOption(cmd, value)) throw new UserError(`${option.long}: no value given (it took ${JSON.stringify(value)}, an option of the command, as its value); write ${usage(option)}`);
      const list = values.get(option.name()) ?? [];
      list.push(value);
      values.set(option.name(), list);
    });
  }
  for (const sub of cmd.commands) watchOptionValues(sub);
}

/** The flags `cmd` takes, as they are written (`--dept`, `-h`). */
function flagsOf(cmd: Command): Set<string> {
  const flags = new Set<string>(['--help', '-h']);
  for (const option of cmd.options) {
    if (option.long) flags.add(option.long);
    if (option.short) flags.add(option.short);
  }
  return flags;
}

/** Whether `value`, taken as an option's value, is one of the command's options (`--ttl`, `--ttl=30m`, `-h`). */
function takesOption(cmd: Command, value: string): boolean {
  const flags = flagsOf(cmd);
  return flags.has(value) || [...flags].some((f) => f.startsWith('--') && value.startsWith(`${f}=`));
}

/** `--dept <code>`, as the help shows the option. */
const usage = (option: Option) => option.flags.replace(/^-\w, /, '');

/** Refuses an option given two different values. Runs before every command's action (main.ts). */
export function refuseRepeatedOptions(cmd: Command): void {
  const values = given.get(cmd);
  if (!values) return;
  for (const option of cmd.options) {
    const list = values.get(option.name()) ?? [];
    const distinct = [...new Set(list)];
    if (distinct.length > 1) {
      const list = /comma-separated/i.test(option.description) ? ` (several values go in one, separated by commas: ${option.long} ${distinct.join(',')})` : '';
      throw new UserError(`${option.long}: given ${distinct.length} values (${distinct.map((v) => JSON.stringify(v)).join(', ')}), and only one is taken; give it once${list}`);
    }
  }
}
