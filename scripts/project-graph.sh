#!/usr/bin/env bash
# Prints the project reference graph read from the .csproj files (src/ and bench/): one line per project,
# "Project -> Reference, Reference" in layer order, then its NuGet packages in brackets.
# docs/architecture.md draws the same layering; tests/SrTrain.Cli.Tests/ProjectGraphTests.cs enforces it.
# Usage: scripts/project-graph.sh [--dot]   (--dot: Graphviz digraph instead of text)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec /usr/bin/python3 - "$root" "$@" <<'PY'
import sys, pathlib, xml.etree.ElementTree as ET
root = pathlib.Path(sys.argv[1]); dot = "--dot" in sys.argv[2:]
projects = {}
for csproj in sorted(list(root.glob("src/*/*.csproj")) + list(root.glob("bench/*/*.csproj"))):
    tree = ET.parse(csproj)
    refs = [pathlib.Path(r.get("Include").replace("\\", "/")).stem for r in tree.iter("ProjectReference")]
    pkgs = [p.get("Include") for p in tree.iter("PackageReference")]
    projects[csproj.stem] = (refs, pkgs)
def depth(name, seen=()):
    refs = projects.get(name, ([], []))[0]
    return 0 if not refs else 1 + max(depth(r, seen + (name,)) for r in refs if r not in seen)
order = sorted(projects, key=lambda n: (depth(n), n))
if dot:
    print("digraph srtrain {\n  rankdir=BT;")
    for name in order:
        for ref in projects[name][0]:
            print(f'  "{name}" -> "{ref}";')
    print("}")
else:
    for name in order:
        refs, pkgs = projects[name]
        line = name + (" -> " + ", ".join(sorted(refs, key=lambda r: (depth(r), r))) if refs else "")
        print(line + (f"   [{', '.join(pkgs)}]" if pkgs else ""))
PY
