#!/usr/bin/env bash
# Shell completion of quantize, driven as the shells drive it, on real prefixes.
#
#   Tests/shell/completion_test.sh QUANTIZE [BASH_SCRIPT [ZSH_SCRIPT [FISH_SCRIPT]]]
#
# QUANTIZE is the binary; each script defaults to `QUANTIZE completion SHELL` (make install-check
# passes the installed ones). bash: the script is sourced and its completion function called with
# COMP_WORDS/COMP_CWORD, as bash's programmable completion calls it. fish: `complete -C` asks fish
# for the completions of a command line. zsh: an interactive zsh on a pseudo-terminal loads the
# script with compinit and is sent the line and a Tab; the words given to compadd are compared.
# zsh and fish are skipped, saying so, when not installed. The expected words come from the
# binary's own declarations (`--help`), not from a copy here. Exit status 1 on any failure.
set -uo pipefail
quantize=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bash_script=${2:-$work/quantize.bash}
zsh_script=${3:-$work/_quantize}
fish_script=${4:-$work/quantize.fish}
[ -n "${2:-}" ] || "$quantize" completion bash > "$bash_script"
[ -n "${3:-}" ] || "$quantize" completion zsh > "$zsh_script"
[ -n "${4:-}" ] || "$quantize" completion fish > "$fish_script"
failures=0

# The file tree the path completions see.
cd "$work" && mkdir -p files/models && touch files/a.npz files/b.npz files/c.npy files/notes.txt && cd files

# The per-channel schemes, as --help lists --scheme's allowed values.
per_channel=$("$quantize" help quantize | tr -s ' \n' ' ' | sed -n 's/.*--scheme <S>[^(]*(values: \([^)]*\)).*/\1/p' \
    | tr -d ',' | tr ' ' '\n' | grep '^per-' | sort | tr '\n' ' ')
[ -n "$per_channel" ] || { echo "FAIL: no per-channel scheme found in 'quantize help quantize'"; exit 1; }
# The Q4 file types, as --help lists --type's (a choice read in any case, so offered, not enforced).
q4_types=$("$quantize" help quantize | tr -s ' \n' ' ' \
    | sed -n 's/.*--type <TYPE> GGUF only: llama-quantize.s file type (any case): \([^.]*\)\..*/\1/p' \
    | tr -d ',' | tr ' ' '\n' | grep '^Q4_' | sort | tr '\n' ' ')
[ -n "$q4_types" ] || { echo "FAIL: no Q4 type found in 'quantize help quantize'"; exit 1; }

expect() {  # expect SHELL LINE EXPECTED ACTUAL: the sorted words must match
    local want got
    want=$(echo "$3" | tr ' ' '\n' | sed '/^$/d' | sort | tr '\n' ' ')
    got=$(echo "$4" | tr ' ' '\n' | sed '/^$/d' | sort | tr '\n' ' ')
    if [ "$want" = "$got" ]; then echo "ok   $1: '$2' -> $got"
    else echo "FAIL $1: '$2' -> '$got', expected '$want'"; failures=$((failures + 1)); fi
}

bash_complete() {  # bash_complete WORD...: what the completion function offers for the last word
    bash --norc --noprofile -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1));
        _quantize; printf "%s\n" "${COMPREPLY[@]}"' _ "$bash_script" "$@" | tr '\n' ' '
}
expect bash "quantize --sch" "--scheme" "$(bash_complete quantize --sch)"
expect bash "quantize --scheme per-" "$per_channel" "$(bash_complete quantize --scheme per-)"
expect bash "quantize --scheme=per-" "$per_channel" "$(bash_complete quantize --scheme = per-)"
expect bash "quantize ins" "inspect" "$(bash_complete quantize ins)"
expect bash "quantize inspect " "a.npz b.npz c.npy models" "$(bash_complete quantize inspect '')"
expect bash "quantize dequantize a.npz -o " "a.npz b.npz models" "$(bash_complete quantize dequantize a.npz -o '')"
expect bash "quantize completion " "bash zsh fish" "$(bash_complete quantize completion '')"
expect bash "quantize help i" "inspect imatrix" "$(bash_complete quantize help i)"
expect bash "quantize --calibration " "c.npy models" "$(bash_complete quantize --calibration '')"
expect bash "quantize --type Q4_" "$q4_types" "$(bash_complete quantize --type Q4_)"
expect bash "quantize --bits " "" "$(bash_complete quantize --bits '')"
expect bash "quantize --layer " "" "$(bash_complete quantize --layer '')"
expect bash "quantize a.npz " "a.npz b.npz c.npy models" "$(bash_complete quantize a.npz '')"
expect bash "quantize eval a.npz --tokens " "c.npy models" "$(bash_complete quantize eval a.npz --tokens '')"

if command -v fish >/dev/null; then
    fish_complete() { fish --no-config -c 'source $argv[1]; complete -C"$argv[2]"' "$fish_script" "$1" | cut -f1 | tr '\n' ' '; }
    expect fish "quantize --sch" "--scheme" "$(fish_complete 'quantize --sch')"
    expect fish "quantize --scheme per-" "$per_channel" "$(fish_complete 'quantize --scheme per-')"
    expect fish "quantize ins" "inspect" "$(fish_complete 'quantize ins')"
    expect fish "quantize help i" "inspect imatrix" "$(fish_complete 'quantize help i')"
    expect fish "quantize inspect " "a.npz b.npz c.npy models/" "$(fish_complete 'quantize inspect ')"
    expect fish "quantize dequantize a.npz -o " "a.npz b.npz models/" "$(fish_complete 'quantize dequantize a.npz -o ')"
    expect fish "quantize --calibration " "c.npy models/" "$(fish_complete 'quantize --calibration ')"
    expect fish "quantize --type Q4_" "$q4_types" "$(fish_complete 'quantize --type Q4_')"
else
    echo "skip fish: not installed (Debian: apt-get install fish)"
fi

if command -v zsh >/dev/null; then
    # zsh's completion widgets need a terminal: an interactive zsh runs on a pseudo-terminal
    # (zsh/zpty), loads the script through compinit from its folder, gets the line and a Tab,
    # and a wrapper around compadd prints each word it is given, after a marker.
    cat > "$work/zsh_complete.zsh" <<'ZSH'
zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PS1=''; fpath=(${(q)1} \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z 'compadd() { builtin compadd "$@"; local -a w; builtin compadd -O w "$@"; print -lr -- "<c""and>"${^w}; }'
# Wait until the setup has run before typing the line: on a loaded machine, keys typed while
# compinit still runs can reach the line editor before it is ready.
zpty -w z "print -r -- __rea''dy__"
while zpty -r z line; do
    [[ $line == *__ready__* && $line != *"''"* ]] && break
done
zpty -w z "$2"$'\t'
# Then clear the line and run a command printing an end marker: keys are read in order, so its
# output comes after every word the Tab offered, however slowly the machine completes.
zpty -w z $'\C-e\C-u'"print -r -- __e''nd__"
while zpty -r z line; do
    [[ $line == *__end__* && $line != *"''"* ]] && break
    print -r -- "$line"
done
zpty -d z
ZSH
    zsh_complete() {
        timeout 30 zsh -f "$work/zsh_complete.zsh" "$(dirname "$zsh_script")" "$1" | tr -d '\r' \
            | grep -ao '<cand>[^[:cntrl:]]*' | sed 's/^<cand>//' | sort -u | tr '\n' ' '
    }
    expect zsh "quantize --sch" "--scheme" "$(zsh_complete 'quantize --sch')"
    expect zsh "quantize --scheme per-" "$per_channel" "$(zsh_complete 'quantize --scheme per-')"
    expect zsh "quantize ins" "inspect" "$(zsh_complete 'quantize ins')"
    expect zsh "quantize help i" "inspect imatrix" "$(zsh_complete 'quantize help i')"
    expect zsh "quantize inspect " "a.npz b.npz c.npy models" "$(zsh_complete 'quantize inspect ')"
    expect zsh "quantize dequantize a.npz -o " "a.npz b.npz models" "$(zsh_complete 'quantize dequantize a.npz -o ')"
    expect zsh "quantize --calibration " "c.npy models" "$(zsh_complete 'quantize --calibration ')"
    expect zsh "quantize --type Q4_" "$q4_types" "$(zsh_complete 'quantize --type Q4_')"
else
    echo "skip zsh: not installed (Debian: apt-get install zsh)"
fi

[ "$failures" = 0 ] || { echo "$failures completion check(s) failed"; exit 1; }
