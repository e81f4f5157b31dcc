"""Human-readable outputs: the static HTML report."""
