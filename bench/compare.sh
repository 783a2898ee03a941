#!/usr/bin/env bash
# Builds the benchmark in Release and runs ours, Keras 1.1.0, OpenCV and memcpy side by side on the same data,
# printing the tables (markdown) to stdout; progress goes to stderr. Extra arguments pass through, e.g.
#   bench/compare.sh --quick        # smoke run, well under a minute
#   bench/compare.sh --reps 9       # more repetitions for steadier medians
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dotnet build -c Release "$root/bench/KerasMemory.Bench.csproj" -nologo -v quiet >&2
exec dotnet run -c Release --no-build --project "$root/bench/KerasMemory.Bench.csproj" -- "$@"
