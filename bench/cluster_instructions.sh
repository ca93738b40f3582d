#!/usr/bin/env bash
# The clustering's instruction count on ECB+ full text, or with --headlines on its headlines (see
# cluster_instructions.py): valgrind's count of a run that clusters, less that of a run that only
# prepares the inputs. Needs valgrind and the benchmark's embedding cache (run cluster_quality.py
# once first). About eight minutes on the 2-core machine, most of it valgrind preparing the
# inputs twice.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}

count() {
    # One BLAS thread and a fixed hash seed: otherwise threads spinning and set orders move it.
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 PYTHONHASHSEED=0 \
        valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
        "$python" bench/cluster_instructions.py "$@" 2>&1 |
        awk '/I *refs:/ { gsub(",", "", $4); print $4 }'
}

prepared=$(count --no-clustering "$@")
clustered=$(count "$@")
what="ECB+ full text"
if [[ " $* " == *" --headlines "* ]]; then what="ECB+ headlines"; fi
echo "clustering $what: $(( (clustered - prepared) / 1000000 )) million instructions"
