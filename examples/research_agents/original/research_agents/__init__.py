"""research-agents: an orchestrator that plans, fans out to sub-agents and writes a brief."""
