import type { CommandOption } from "../args.js";
import type { Command } from "../command.js";

/** The shells `completion` writes scripts for. */
export const SHELLS = ["bash", "zsh", "fish"] as const;

/** A shell `completion` supports. */
export type Shell = (typeof SHELLS)[number];

/**
 * A completion script for `shell`: command names first, then the options of the command being
 * typed (its own and the global ones). Parameter names are not completed: that would call AWS
 * on every Tab.
 */
export function completionScript(
  shell: Shell,
  program: string,
  commands: readonly Command[],
  globals: Readonly<Record<string, CommandOption>>,
): string {
  const names = commands.map((command) => command.name);
  const flags = (command: Command) =>
    [...Object.keys(command.options), ...Object.keys(globals)].map((name) => `--${name}`);
  const fn = `_${program.replace(/[^A-Za-z0-9]/g, "_")}`;
  if (shell === "bash") {
    const cases = commands
      .map((command) => `    ${command.name}) opts="${flags(command).join(" ")}" ;;`)
      .join("\n");
    return `# ${program} completion for bash: eval "$(${program} completion bash)"
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" command="" word opts
  for word in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$word" in -*) ;; *) command="$word"; break ;; esac
  done
  if [ -z "$command" ] && [[ "$cur" != -* ]]; then
    COMPREPLY=($(compgen -W "${names.join(" ")}" -- "$cur"))
    return
  fi
  case "$command" in
${cases}
    *) opts="${Object.keys(globals)
      .map((name) => `--${name}`)
      .join(" ")}" ;;
  esac
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o default -F ${fn} ${program}
`;
  }
  if (shell === "zsh") {
    const cases = commands
      .map((command) => `    ${command.name}) opts=(${flags(command).join(" ")}) ;;`)
      .join("\n");
    return `#compdef ${program}
# ${program} completion for zsh: eval "$(${program} completion zsh)"
${fn}() {
  local -a commands opts
  commands=(${commands.map((command) => `'${command.name}:${command.summary.replace(/'/g, "")}'`).join(" ")})
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  case "\${words[2]}" in
${cases}
  esac
  compadd -a opts
  _files
}
if [[ "\${zsh_eval_context[-1]}" == loadautofunc ]]; then
  ${fn} "$@"
else
  compdef ${fn} ${program}
fi
`;
  }
  const lines = [
    `# ${program} completion for fish: ${program} completion fish > ~/.config/fish/completions/${program}.fish`,
    `complete -c ${program} -f`,
    ...commands.map(
      (command) =>
        `complete -c ${program} -n "not __fish_seen_subcommand_from ${names.join(" ")}" -a ${command.name} -d '${command.summary.replace(/'/g, "")}'`,
    ),
    ...Object.entries(globals).map(
      ([name, option]) =>
        `complete -c ${program} -l ${name}${option.type === "string" ? " -r" : ""} -d '${option.help.replace(/'/g, "")}'`,
    ),
    ...commands.flatMap((command) =>
      Object.entries(command.options).map(
        ([name, option]) =>
          `complete -c ${program} -n "__fish_seen_subcommand_from ${command.name}" -l ${name}${option.type === "string" ? " -r" : ""} -d '${option.help.replace(/'/g, "")}'`,
      ),
    ),
  ];
  return `${lines.join("\n")}\n`;
}
