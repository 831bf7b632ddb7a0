"""The responsibility chain and the supply chain: models with their lineage, datasets, vendors, components.

Framework 6.2(e) asks service providers to examine the developers' responsibility documentation so
that responsibility can be traced back through recursively adopted models; 4.1.3(d) asks for one view
of the chips, software, tools, compute and data a system runs on. This concern records them, answers
chain and impact questions, reads model artifacts without executing them, and exports an AI-BOM.
"""
