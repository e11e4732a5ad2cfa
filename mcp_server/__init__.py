"""amplitude-ai MCP server (``amplitude-ai-mcp`` / ``amplitude-ai mcp``): a stdio adapter over the engine.

Modules: ``server`` (builds the server, ``main``), ``tools`` (typed tools), ``paths`` (roots and
bounds), ``masking`` (secrets in findings), ``patterns`` (integration patterns,
``suggest_instrumentation``), ``docs_search`` (``search_docs``), ``schema`` (``mcp.schema.json``).
Importing this package loads nothing heavy; ``server`` needs the ``[instrument]`` extra.
"""
