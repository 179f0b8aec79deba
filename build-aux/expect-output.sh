#!/bin/sh
# expect-output.sh EXPECTED COMMAND [ARG...]
#
# SPDX-FileCopyrightText: 2026 The Tincan authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs COMMAND and fails unless it exits 0 and prints exactly EXPECTED (stdout and stderr
# together). Used by meson tests that check what the tincan binary says.
expected=$1
shift
output=$("$@" 2>&1)
status=$?
if [ "$status" -ne 0 ]; then
  printf '%s\n' "$output"
  echo "expect-output: '$*' exited with status $status" >&2
  exit 1
fi
if [ "$output" != "$expected" ]; then
  printf 'expected: %s\ngot:      %s\n' "$expected" "$output" >&2
  exit 1
fi
