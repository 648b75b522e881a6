"""Questions: asked of the colleagues who know, with a promised answer time on a business calendar."""
