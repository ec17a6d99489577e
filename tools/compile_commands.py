#!/usr/bin/env python3
"""Writes compile_commands.json at the workspace root for clangd: every C compile action Bazel would
run for the host build (hyp/, hal/, models/, guests/, tests/, fuzz/, bench/), from `bazel aquery`.
Usage: tools/compile_commands.py [TARGETS...]   (default //...; run from anywhere in the tree)"""
import json
import os
import subprocess
import sys

root = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True, text=True,
                      cwd=os.path.dirname(os.path.abspath(__file__))).stdout.strip()
targets = sys.argv[1:] or ["//..."]
query = "mnemonic('CppCompile', deps(%s))" % " + ".join(targets)
out = subprocess.run(["bazel", "aquery", "--output=jsonproto", query], capture_output=True, text=True, cwd=root)
if out.returncode:
    sys.stderr.write(out.stderr)
    sys.exit(out.returncode)
# Bazel runs compilers in its execroot, where external/ and bazel-out/ resolve.
execroot = subprocess.run(["bazel", "info", "execution_root"], capture_output=True, text=True,
                          cwd=root).stdout.strip()
entries, seen = [], set()
for action in json.loads(out.stdout or "{}").get("actions", []):
    args = action.get("arguments", [])
    if "-c" not in args:
        continue
    src = args[args.index("-c") + 1]
    if not src.endswith(".c") or src in seen:
        continue
    seen.add(src)
    entries.append({"directory": execroot, "file": src, "arguments": args})
with open(os.path.join(root, "compile_commands.json"), "w") as f:
    json.dump(entries, f, indent=1)
print("compile_commands.json: %d C files (clangd: open the tree at %s)" % (len(entries), root))
