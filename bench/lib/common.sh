# What every stage uses: the log line and the Python interpreter. Sourced by bench/run.sh.

# Debian's interpreter, not a pyenv shim (which costs seconds per call on a loaded machine).
PY=/usr/bin/python3
[[ -x $PY ]] || PY=python3

log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# round_order ROUND: sets ORDER to the targets, rotated by round so that no target always runs
# first or last.
round_order() {
  local offset=$((($1 - 1) % ${#TARGETS[@]}))
  ORDER=("${TARGETS[@]:$offset}" "${TARGETS[@]:0:$offset}")
}
