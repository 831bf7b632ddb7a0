"""AI systems, their assessments, obligations, evidence and reviews."""
