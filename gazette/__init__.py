"""Gazette: a self-hosted newsroom engine.

Gazette reads many outlets, recognises when they report the same event, and writes one cited,
multi-source article per story. The data flows one way, one subpackage per stage:

    sources -> fetch -> extract -> dedupe -> embed -> cluster -> write -> tag -> publish

`gazette.pipeline.run_pipeline` shows the whole flow; `gazette.cli` is a thin layer over it.
"""

__version__ = "0.1.0"
